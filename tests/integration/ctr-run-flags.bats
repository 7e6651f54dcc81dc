#!/usr/bin/env bats
# run/create flags (issue 4): each flag's effect seen from inside the
# container or in the stored record and runtime spec, and docker's errors
# (one line, exit 125, nothing stored or leaked) for bad values.

load helpers

setup_file() {
        wharf_setup_file
        run --separate-stderr wharf pull "$REGISTRY/library/busybox" </dev/null
        [ "$status" -eq 0 ] || { echo "pull failed: $stderr" >&3; return 1; }
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }

# hex CapEff of the container's process
cap_eff() { wharf run --rm "$@" "$(BB)" sh -c 'grep ^CapEff: /proc/self/status' | awk '{ print $2 }'; }

# the record of a created container
record() { cat "$STATE/lib/engine/containers/$1/container.json"; }

# the bits of a capability mask as a number
hex() { printf '%d' "0x$1"; }

@test "default capabilities are docker's (CapEff 00000000a80425fb)" {
        run cap_eff
        [ "$output" = "00000000a80425fb" ] || { echo "CapEff: $output"; false; }
        assert_no_leaks
}

@test "--cap-add NET_ADMIN adds it, --cap-drop chown drops it" {
        run cap_eff --cap-add NET_ADMIN --cap-drop chown
        local v=$(( $(hex "$output") ))
        (( v & (1 << 12) )) || { echo "no CAP_NET_ADMIN in $output"; false; }
        (( !(v & 1) )) || { echo "CAP_CHOWN still in $output"; false; }
}

@test "--cap-drop ALL leaves nothing; --cap-drop ALL --cap-add KILL only kill" {
        run cap_eff --cap-drop ALL
        [ "$output" = "0000000000000000" ] || { echo "CapEff: $output"; false; }
        run cap_eff --cap-drop all --cap-add cap_kill
        [ "$output" = "0000000000000020" ] || { echo "CapEff: $output"; false; }
}

@test "--privileged gets the host's bounding set and no masked /proc paths" {
        local bnd
        bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
        run cap_eff --privileged
        [ "$output" = "$bnd" ] || { echo "CapEff $output, host $bnd"; false; }
        # /proc/kcore is masked (an empty /dev/null bind) only without --privileged
        wrun run --rm "$(BB)" sh -c 'wc -c < /proc/timer_list'
        assert_output "0"
        # procfs files have no size: count the bytes
        wrun run --rm --privileged "$(BB)" sh -c 'wc -c < /proc/timer_list'
        [ "$output" -gt 0 ] || { echo "/proc/timer_list still masked"; false; }
        assert_no_leaks
}

@test "--security-opt no-new-privileges sets NoNewPrivs" {
        wrun run --rm "$(BB)" sh -c 'grep ^NoNewPrivs: /proc/self/status'
        assert_output_matches "NoNewPrivs:.0"
        wrun run --rm --security-opt no-new-privileges "$(BB)" sh -c 'grep ^NoNewPrivs: /proc/self/status'
        assert_output_matches "NoNewPrivs:.1"
        wrun run --rm --security-opt no-new-privileges=true "$(BB)" sh -c 'grep ^NoNewPrivs: /proc/self/status'
        assert_output_matches "NoNewPrivs:.1"
}

@test "--read-only: writing the root fails, /tmp-less image cannot write either" {
        wrun run --rm --read-only "$(BB)" sh -c 'touch /x 2>&1; echo rc=$?'
        assert_output_matches "Read-only file system"
        assert_output_matches "rc=1"
        wrun run --rm "$(BB)" sh -c 'touch /x && echo ok'
        assert_output "ok"
}

@test "-u uid:gid, -u name, unknown user" {
        wrun run --rm -u 1000:1001 "$(BB)" sh -c 'echo $(id -u):$(id -g)'
        assert_output "1000:1001"
        wrun run --rm -u nobody "$(BB)" id -u
        assert_output "65534"
        wrun run --rm --user nosuch "$(BB)" true
        assert_status 125
        assert_one_error_line
        assert_stderr_matches "unable to find user nosuch: no matching entries in passwd file"
        assert_no_containers
        assert_no_leaks
}

@test "-w: a missing directory is created; a file is an error (125)" {
        wrun run --rm -w /new/dir "$(BB)" pwd
        assert_output "/new/dir"
        wrun run --rm -w /etc/passwd "$(BB)" true
        assert_status 125
        assert_one_error_line
        assert_stderr_matches "not a directory"
        assert_no_containers
        assert_no_leaks
}

@test "--entrypoint: replaces the image's; a missing one is 127" {
        wrun run --rm --entrypoint /bin/echo "$(BB)" hi there
        assert_output "hi there"
        wrun -127 run --rm --entrypoint /nonexistent "$(BB)"
        assert_status 127
        assert_one_error_line
        assert_no_containers
        assert_no_leaks
}

@test "-e and --env-file reach the process; --hostname sets the name" {
        printf 'A=from-file\nB=2\n' > "$WHARF_TMP/env"
        wrun run --rm --env-file "$WHARF_TMP/env" -e A=flag --hostname box "$(BB)" sh -c 'echo $A $B $(hostname)'
        assert_output "flag 2 box"
}

@test "labels, restart policy, stop signal/timeout, init, log options are stored" {
        wrun create --name rec -l a=b --label c --restart on-failure:3 --stop-signal SIGUSR1 --stop-timeout 7 \
                --log-opt max-size=1k --log-opt max-file=2 --init "$(BB)" true
        assert_status 0
        local id=$output json
        json=$(record "$id")
        echo "$json"
        [[ $json == *'"Labels":{"a":"b","c":""}'* || $json == *'"Labels": { "a": "b", "c": "" }'* ]] ||
                echo "$json" | tr -d ' \n' | grep -q '"Labels":{"a":"b","c":""}'
        echo "$json" | tr -d ' \n' | grep -q '"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}'
        echo "$json" | tr -d ' \n' | grep -q '"StopSignal":"SIGUSR1"'
        echo "$json" | tr -d ' \n' | grep -q '"StopTimeout":7'
        echo "$json" | tr -d ' \n' | grep -q '"Init":true'
        echo "$json" | tr -d ' \n' | grep -q '"LogConfig":{"Type":"json-file","Config":{"max-size":"1k","max-file":"2"}}'
        wrun rm rec
        assert_status 0
}

@test "resources are in the runtime spec: -m, --memory-swap, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit, --ulimit" {
        wrun run -d --name res -m 64m --memory-swap 128m --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 \
                --pids-limit 50 --ulimit nofile=512:1024 "$(BB)" sleep 30
        assert_status 0
        local id=$output spec
        spec=$(tr -d ' \n' < "$STATE/run/exec/$id/config.json")
        echo "$spec"
        [[ $spec == *'"memory":{"limit":67108864,"swap":134217728}'* ]]
        [[ $spec == *'"quota":50000,"period":100000'* ]]
        [[ $spec == *'"shares":512'* ]]
        [[ $spec == *'"cpus":"0"'* ]]
        [[ $spec == *'"pids":{"limit":50}'* ]]
        [[ $spec == *'{"type":"RLIMIT_NOFILE","hard":1024,"soft":512}'* ]]
        [[ $spec == *"\"org.wharf.log.path\":\"$STATE/lib/engine/containers/$id/$id-json.log\""* ]]
        wrun rm -f res
        assert_status 0
        assert_no_leaks
}

@test "-m alone: swap defaults to twice the memory (docker)" {
        wrun create -m 10m "$(BB)" true
        local id=$output
        record "$id" | tr -d ' \n' | grep -q '"Memory":10485760,"MemorySwap":20971520'
        wrun rm "$id"
}

# bad input: docker's message, one line plus the usage hint for flag errors
bad_flag() {
        wrun run "$@" "$(BB)" true
        assert_status 125
}

@test "bad memory, cpus, ulimit, cpu-shares values are usage errors" {
        bad_flag -m 12q
        [ "$(printf '%s\n' "$stderr" | head -1)" = "wharf: invalid argument \"12q\" for \"-m, --memory\" flag: invalid size: '12q'" ]
        assert_stderr_matches "See 'wharf run --help'"
        bad_flag --memory-swap x1
        assert_stderr_matches "invalid argument \"x1\" for \"--memory-swap\" flag: invalid size: 'x1'"
        bad_flag --cpus abc
        assert_stderr_matches "invalid argument \"abc\" for \"--cpus\" flag: failed to parse abc as a rational number"
        bad_flag --cpus 0.0000000001
        assert_stderr_matches "value is too precise"
        bad_flag --ulimit nofile
        assert_stderr_matches "invalid ulimit argument: nofile"
        bad_flag --ulimit foo=1
        assert_stderr_matches "invalid ulimit type: foo"
        bad_flag --ulimit nofile=10:5
        assert_stderr_matches "ulimit soft limit must be less than or equal to hard limit: 10 > 5"
        bad_flag -c many
        assert_stderr_matches "invalid argument \"many\" for \"-c, --cpu-shares\" flag"
        bad_flag --restart always --rm
        assert_stderr_matches "Conflicting options: --restart and --rm"
        bad_flag --security-opt foo
        assert_stderr_matches "Invalid --security-opt: \"foo\""
        bad_flag --security-opt seccomp=/nonexistent.json
        assert_stderr_matches "opening seccomp profile \(/nonexistent.json\) failed"
        assert_no_containers
        assert_no_leaks
}

@test "values the engine refuses: one error line, 125, nothing stored" {
        bad_flag -m 1k
        assert_one_error_line
        assert_stderr_matches "Minimum memory limit allowed is 6MB"
        bad_flag --memory-swap 100m
        assert_stderr_matches "You should always set the Memory limit when using Memoryswap limit"
        bad_flag -m 100m --memory-swap 50m
        assert_stderr_matches "Minimum memoryswap limit should be larger than memory limit"
        bad_flag --cpus 1000
        assert_stderr_matches "Range of CPUs is from 0.01 to [0-9]+.00, as there are only [0-9]+ CPUs available"
        bad_flag --cpuset-cpus 999
        assert_stderr_matches "Requested CPUs are not available"
        bad_flag --cap-add FOO
        assert_one_error_line
        assert_stderr_matches "invalid CapAdd: unknown capability: \"CAP_FOO\""
        bad_flag --restart sometimes
        assert_stderr_matches "invalid restart policy: unknown policy 'sometimes'"
        bad_flag --restart always:3
        assert_stderr_matches "maximum retry count can only be used with 'on-failure'"
        bad_flag --stop-signal SIGFOO
        assert_stderr_matches "Invalid signal: SIGFOO"
        bad_flag --log-opt max-file=0
        assert_stderr_matches "max-file cannot be less than 1"
        bad_flag --log-opt foo=1
        assert_stderr_matches "unknown log opt 'foo' for json-file log driver"
        bad_flag --runtime nosuch
        assert_stderr_matches "unknown or invalid runtime name: nosuch"
        assert_no_containers
        assert_no_leaks
}

@test "limits reach the cgroups: memory, cpu quota and shares, cpuset, pids (read in the container)" {
        wrun run --rm -m 64m --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 50 "$(BB)" sh -c '
                cd /sys/fs/cgroup
                if [ -e cgroup.controllers ]; then
                        cat memory.max cpu.max cpuset.cpus pids.max
                else
                        cat memory/memory.limit_in_bytes cpu/cpu.cfs_quota_us cpu/cpu.shares cpuset/cpuset.cpus pids/pids.max
                fi'
        assert_status 0
        [ "$output" = $'67108864\n50000\n512\n0\n50' ] || [ "$output" = $'67108864\n50000 100000\n0\n50' ] ||
                { echo "unexpected limits: $output"; false; }
        assert_no_leaks
}

@test "--ulimit reaches the process" {
        wrun run --rm --ulimit nofile=512:1024 "$(BB)" sh -c 'ulimit -n; ulimit -Hn'
        assert_output $'512\n1024'
}

@test "--init runs the process under the init as pid 1's child" {
        wrun run --rm --init "$(BB)" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
        assert_status 0
        [[ ${lines[0]} == "/sbin/docker-init -- sh -c"* ]] || { echo "pid 1: ${lines[0]}"; false; }
        [ "${lines[1]}" != 1 ]
}

@test "-v binds a host path (read-write, :ro, made when missing); --tmpfs; inspect's Mounts; docker's errors" {
        local host=$WHARF_TMP/vol-host missing=$WHARF_TMP/vol-missing/sub
        rm -rf "$host" "$WHARF_TMP/vol-missing"
        mkdir -p "$host"
        echo from-host > "$host/in"
        wrun run --rm -v "$host:/data" "$(BB)" sh -c 'cat /data/in; echo from-ctr > /data/out'
        assert_status 0
        assert_output "from-host"
        [ "$(cat "$host/out")" = from-ctr ] || { echo "the container's write did not reach the host"; false; }

        wrun run --rm -v "$host:/data:ro" "$(BB)" sh -c 'cat /data/in; echo x > /data/out2'
        assert_failure
        assert_output_matches 'from-host'
        assert_stderr_matches 'Read-only file system'
        [ ! -e "$host/out2" ]

        wrun run --rm --volume "$missing:/m" "$(BB)" sh -c 'echo made > /m/f'
        assert_status 0
        [ "$(cat "$missing/f")" = made ] || { echo "the missing host directory was not made"; false; }

        wrun run --rm --tmpfs /scratch:size=1m "$(BB)" sh -c 'grep " /scratch " /proc/mounts; echo ok > /scratch/f && cat /scratch/f'
        assert_status 0
        assert_output_matches '^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec.*size=1024k'
        [ "${lines[-1]}" = ok ]

        wrun create --name vols -v "$host:/data:ro" --tmpfs /t "$(BB)" true
        assert_status 0
        wrun inspect -f '{{json .Mounts}} {{json .HostConfig.Binds}} {{json .HostConfig.Tmpfs}}' vols
        assert_status 0
        assert_output "[{\"Type\":\"bind\",\"Source\":\"$host\",\"Destination\":\"/data\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}] [\"$host:/data:ro\"] {\"/t\":\"\"}"
        wrun rm vols
        assert_status 0

        wrun -125 run --rm -v "$host:data" "$(BB)" true
        assert_stderr_matches 'destination must be an absolute path'
        wrun -125 run --rm -v "$host:/data:rx" "$(BB)" true
        assert_stderr_matches 'invalid mode: rx'
        wrun -125 run --rm -v "$host:/data" -v "$missing:/data" "$(BB)" true
        assert_stderr_matches 'Duplicate mount point: /data'
        wrun -125 run --rm --tmpfs relative "$(BB)" true
        assert_stderr_matches 'invalid tmpfs mount'
        wrun ps -aq
        assert_output ""
        assert_no_leaks
}
