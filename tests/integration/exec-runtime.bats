#!/usr/bin/env bats
# execd's runtime (issue 4) on its own: logs, attach, exec, terminal,
# cgroups (limits, OOM, freezer, stats, processes, cleanup), seccomp,
# rlimits, cgroup namespace, and containers outliving execd.

bats_require_minimum_version 1.5.0
load exec-helpers

setup_file() { exec_setup_file; }
teardown_file() { exec_teardown_file; }
setup() { exec_setup; }

@test "runtime: output is logged in docker's json-file format" {
        xrun logged '["sh","-c","echo out; echo err >&2; printf partial"]' \
                "\"annotations\":{\"org.wharf.log.path\":\"$T/logged.log\"}"
        [ "$status" -eq 0 ]
        [ "$out" = "$(printf 'out\npartial')" ]
        [ "$err" = err ]
        cat "$T/logged.log"
        [ "$(wc -l < "$T/logged.log")" -eq 3 ]
        grep -Eq '^\{"log":"out\\n","stream":"stdout","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"\}$' "$T/logged.log"
        grep -q '^{"log":"err\\n","stream":"stderr",' "$T/logged.log"
        grep -q '^{"log":"partial","stream":"stdout",' "$T/logged.log"
        assert_no_cgroup logged
}

@test "runtime: the log rotates at max-size, keeping max-file files" {
        xrun rotate '["sh","-c","i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done"]' \
                "\"annotations\":{\"org.wharf.log.path\":\"$T/rotate.log\",\"org.wharf.log.max-size\":\"1k\",\"org.wharf.log.max-file\":\"3\"}"
        [ "$status" -eq 0 ]
        ls -l "$T"/rotate.log*
        [ -f "$T/rotate.log" ] && [ -f "$T/rotate.log.1" ] && [ -f "$T/rotate.log.2" ]
        [ ! -e "$T/rotate.log.3" ]
        # every file stays near the limit (one entry over at most)
        for f in "$T"/rotate.log*; do [ "$(stat -c %s "$f")" -lt 1200 ]; done
        tail -n1 "$T/rotate.log" | grep -q '"log":"line199\\n"'
}

@test "runtime: a bad log size is refused" {
        xrun badlog '["true"]' "\"annotations\":{\"org.wharf.log.path\":\"$T/x.log\",\"org.wharf.log.max-size\":\"lots\"}"
        [ "$status" -eq 125 ]
        [[ "$err" == *'max-size: invalid size "lots"'* ]]
}

@test "runtime: Attach gets the output from then on; stdin feeds the container" {
        xstart att '["sh","-c","read line; echo got:$line; sleep 0.3; echo second"]' \
                '"annotations":{"org.wharf.stdin.keep-open":"true"}'
        mkfifo "$T/att.in"
        "$HELPER" --attach att < "$T/att.in" > "$T/att.out" 2>&1 3>&- &
        local apid=$!
        echo hello > "$T/att.in"
        wait "$apid" || true
        cat "$T/att.out"
        grep -q '^got:hello$' "$T/att.out"
        grep -q '^second$' "$T/att.out"
        wait_stopped att
        exec1 Delete s att
        assert_no_cgroup att
}

@test "runtime: Exec joins the namespaces and cgroup; ExecExited carries its code" {
        xstart ex '["sleep","30"]'
        echo '{"args":["sh","-c","hostname; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; grep -c . /proc/self/cgroup >/dev/null; exit 7"],"env":["PATH=/bin"],"cwd":"/tmp"}' > "$T/ex.proc"
        run "$HELPER" --exec ex "$T/ex.proc"
        echo "$output"
        [ "$status" -eq 7 ]
        [ "${lines[0]}" = wharftest ]
        [ "${lines[1]}" = "sleep 30 " ]
        sleep 0.2
        grep -A12 'Member=ExecExited' "$T/signals" | grep -q 'INT32 7'
        # a missing command is CommandNotFound
        echo '{"args":["nope"],"env":["PATH=/bin"]}' > "$T/ex2.proc"
        run -127 "$HELPER" --exec ex "$T/ex2.proc"
        exec1 Kill si ex 9
        wait_stopped ex
        exec1 Delete s ex
        assert_no_cgroup ex
}

@test "runtime: process.terminal gives a pty as controlling terminal; Resize sets its size" {
        xstart tty '["sh","-c","sleep 0.5; tty; stty size"]' "" '"terminal":true'
        exec1 Resize suqq tty 0 33 77
        wait_stopped tty
        sleep 0.2
        # Run's stdout got the terminal's output, resized before stty ran
        cat "$T/tty.out"
        grep -q '^/dev/pts/0' "$T/tty.out"
        grep -q '^33 77' "$T/tty.out"
        [ "$(xstate tty code)" = 0 ]
        exec1 Delete s tty
        # direct run, output through the monitor
        xrun tty2 '["sh","-c","sleep 0.3; tty; stty size"]' "" '"terminal":true'
        echo "$out"
        [ "$status" -eq 0 ]
        [[ "$out" == *"/dev/pts/0"* ]]
        exec1 Delete s tty2
}

@test "runtime: memory, cpu, pids and cpuset limits land in the cgroup" {
        LINUX_EXTRA='"resources":{"memory":{"limit":67108864,"swap":134217728},"cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0"},"pids":{"limit":42}}' \
                xstart lim '["sleep","30"]'
        local d
        d=$(grep '^memory ' "$T/state/run/exec/lim/cgroup" | cut -d' ' -f2)
        [ "$(cat "$d/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$d/memory.memsw.limit_in_bytes")" = 134217728 ]
        d=$(grep '^pids ' "$T/state/run/exec/lim/cgroup" | cut -d' ' -f2)
        [ "$(cat "$d/pids.max")" = 42 ]
        grep -qx "$(cat "$T/lim.pid")" "$d/cgroup.procs"
        d=$(grep '^cpu ' "$T/state/run/exec/lim/cgroup" | cut -d' ' -f2)
        [ "$(cat "$d/cpu.shares")" = 512 ]
        [ "$(cat "$d/cpu.cfs_quota_us")" = 50000 ]
        d=$(grep '^cpuset ' "$T/state/run/exec/lim/cgroup" | cut -d' ' -f2)
        [ "$(cat "$d/cpuset.cpus")" = 0 ]
        # Stats and ListProcesses read the same cgroup
        run exec1 Stats s lim
        echo "$output"
        [[ "$output" == *'"memory_limit" 67108864'* ]]
        [[ "$output" == *'"pids_limit" 42'* ]]
        [[ "$output" == *'"pids_current" 1'* ]]
        run exec1 ListProcesses s lim
        echo "$output"
        [[ "$output" == *"$(cat "$T/lim.pid") "*'"sleep 30"'* ]]
        exec1 Kill si lim 9
        wait_stopped lim
        exec1 Delete s lim
        assert_no_cgroup lim
}

@test "runtime: an impossible limit fails the start, nothing left behind" {
        LINUX_EXTRA='"resources":{"cpu":{"cpus":"999"}}' xrun badcpus '["true"]'
        [ "$status" -eq 125 ]
        [[ "$err" == *"cpuset.cpus"* ]]
        [ ! -e "$T/state/run/exec/badcpus" ]
        assert_no_cgroup badcpus
}

@test "runtime: an OOM kill is reported by GetState" {
        LINUX_EXTRA='"resources":{"memory":{"limit":8388608,"swap":8388608}}' xrun oom '["tail","/dev/zero"]'
        [ "$status" -eq 137 ]
        run exec1 GetState s oom
        echo "$output"
        [[ "$output" =~ ^suibtt\ \"stopped\"\ 0\ 137\ true\ [1-9][0-9]*\ [1-9][0-9]*$ ]]
        exec1 Delete s oom
        assert_no_cgroup oom
}

@test "runtime: Pause freezes, Resume thaws, GetState says so" {
        xstart frz '["sleep","30"]'
        exec1 Pause s frz
        [ "$(xstate frz)" = paused ]
        grep -q '^State:.*(stopped)\|^State:.*D\|^State:.*S' "/proc/$(cat "$T/frz.pid")/status"
        exec1 Resume s frz
        [ "$(xstate frz)" = running ]
        exec1 Kill si frz 9
        wait_stopped frz
        exec1 Delete s frz
        assert_no_cgroup frz
}

@test "runtime: seccomp: a profile's errno rule holds; docker's default profile runs busybox" {
        LINUX_EXTRA='"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' \
                xrun sec '["mkdir","/newdir"]'
        echo "$err"
        [ "$status" -ne 0 ]
        [[ "$err" == *"Permission denied"* ]]
        exec1 Delete s sec
        LINUX_EXTRA="\"seccomp\":$("$HELPER" --default-seccomp)" xrun secdef '["sh","-c","echo ok; grep Seccomp: /proc/self/status"]'
        echo "$out"
        [ "$status" -eq 0 ]
        [[ "$out" == *ok*"Seccomp:"*2* ]]
        exec1 Delete s secdef
        LINUX_EXTRA='"seccomp":{"defaultAction":"SCMP_ACT_BOGUS"}' xrun secbad '["true"]'
        [ "$status" -eq 125 ]
        [[ "$err" == *"SCMP_ACT_BOGUS"* ]]
}

@test "runtime: rlimits, cgroup namespace, read-only /sys/fs/cgroup" {
        xrun rl '["sh","-c","ulimit -n; cat /proc/self/cgroup | grep -v \":/$\" | grep -c . || true; touch /sys/fs/cgroup/x 2>&1 || true"]' \
                '"mounts":[{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["ro"]}]' \
                '"rlimits":[{"type":"RLIMIT_NOFILE","soft":123,"hard":456}]'
        echo "$out"
        [ "$status" -eq 0 ]
        [ "$(sed -n 1p <<< "$out")" = 123 ]
        # every hierarchy shows the container's cgroup as its root
        [ "$(sed -n 2p <<< "$out")" = 0 ]
        [[ "$(sed -n 3p <<< "$out")" == *"Read-only file system"* ]]
        exec1 Delete s rl
}

@test "runtime: a container outlives kill -9 of execd; its exit is reported after the restart" {
        xstart survive '["sh","-c","echo before; sleep 1; echo after"]' \
                "\"annotations\":{\"org.wharf.log.path\":\"$T/survive.log\"}"
        kill -9 "$(cat "$T/execd.pid")"
        sleep 0.1
        kill -0 "$(cat "$T/survive.pid")"
        # the monitor keeps logging and records the exit on its own
        for _ in $(seq 50); do [ -f "$T/state/run/exec/survive/exit" ] && break; sleep 0.1; done
        [ "$(cat "$T/state/run/exec/survive/exit")" = 0 ]
        grep -q '"log":"after\\n"' "$T/survive.log"
        local before; before=$(grep -c 'Member=Exited' "$T/signals" || true)
        exec_start_execd
        [ "$(xstate survive)" = stopped ]
        [ "$(xstate survive code)" = 0 ]
        sleep 0.3
        [ "$(grep -c 'Member=Exited' "$T/signals")" -gt "$before" ]
        exec1 Delete s survive
        assert_no_cgroup survive
}

@test "runtime: a restarted execd re-attaches to a running container (Exec, Kill, Exited)" {
        xstart readopt '["sleep","30"]'
        kill -9 "$(cat "$T/execd.pid")"
        exec_start_execd
        [ "$(xstate readopt)" = running ]
        echo '{"args":["true"],"env":["PATH=/bin"]}' > "$T/ra.proc"
        "$HELPER" --exec readopt "$T/ra.proc"
        exec1 Kill si readopt 9
        wait_stopped readopt
        [ "$(xstate readopt code)" = 137 ]
        exec1 Delete s readopt
        assert_no_cgroup readopt
}

@test "runtime: wharf-init (--init) forwards signals, reaps, passes the exit code" {
        local m="\"mounts\":[{\"destination\":\"/wharf-init\",\"type\":\"bind\",\"source\":\"$BUILD/services/execd/wharf-init\",\"options\":[\"bind\",\"ro\"]}]"
        xrun init5 '["/wharf-init","--","sh","-c","exit 5"]' "$m"
        [ "$status" -eq 5 ]
        exec1 Delete s init5
        # as pid 1, sleep would ignore SIGTERM; under wharf-init it dies of it
        xstart initterm '["/wharf-init","--","sleep","30"]' "$m"
        exec1 Kill si initterm 15
        wait_stopped initterm
        [ "$(xstate initterm code)" = 143 ]
        exec1 Delete s initterm
        assert_no_cgroup initterm
}
