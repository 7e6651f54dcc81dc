#!/usr/bin/env bats
# Container lifecycle (issue 4): start, stop, kill, restart, wait, rename,
# rm, ps (filters, formats), inspect, and their errors as docker words them.

load helpers
load ctr-life

setup_file() {
        wharf_setup_file
        wharf pull "$(BB)" >/dev/null </dev/null
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

@test "start several, stop: SIGTERM honoured at once, exit code recorded, no error for a stopped one" {
        create_ctr t1 "$(BB)" sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
        local id1=$CID
        create_ctr t2 "$(BB)" sleep 1000
        wrun start t1 t2
        assert_status 0
        assert_output $'t1\nt2'
        inspect_f t1 '{{.State.Status}} {{.State.Running}}'
        assert_output "running true"

        wrun stop t1
        assert_status 0
        assert_output "t1"
        inspect_f "$id1" '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}'
        assert_output "exited 42 false"
        # docker: stopping a stopped container is no error
        wrun stop t1
        assert_status 0
        assert_output "t1"
        cleanup_ctrs
}

@test "stop -t 1: a container ignoring SIGTERM is killed after the grace period (137)" {
        create_ctr ign "$(BB)" sleep 1000
        start_ctr ign
        wrun stop -t 1 ign
        assert_status 0
        inspect_f ign '{{.State.Status}} {{.State.ExitCode}}'
        assert_output "exited 137"
        run --separate-stderr wharf ps -a --filter name=ign --format '{{.Status}}'
        [[ $output =~ ^Exited\ \(137\) ]] || { echo "$output"; false; }
        cleanup_ctrs
}

@test "kill: default KILL, -s by name and number, docker's errors for bad signals and stopped containers" {
        create_ctr kl "$(BB)" sh -c 'trap "exit 10" USR1; while :; do sleep 0.1; done'
        start_ctr kl
        wrun kill -s FOO kl
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "^Error response from daemon: Invalid signal: FOO$"
        wrun kill -s 0 kl
        assert_status 1
        assert_stderr_matches "Invalid signal: 0"
        wrun kill -s 99 kl
        assert_status 1
        assert_stderr_matches "does not support signal 99"

        wrun kill -s SIGUSR1 kl
        assert_status 0
        assert_output "kl"
        wait_state kl exited
        inspect_f kl '{{.State.ExitCode}}'
        assert_output "10"

        wrun kill kl
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "^Error response from daemon: Cannot kill container: kl: Container [0-9a-f]{64} is not running$"

        start_ctr kl
        wrun kill -s 9 kl
        assert_status 0
        inspect_f kl '{{.State.Status}} {{.State.ExitCode}}'
        assert_output "exited 137"
        cleanup_ctrs
}

@test "wait: prints the exit code of a running container when it ends, at once for a stopped one" {
        create_ctr wt "$(BB)" sh -c 'sleep 1; exit 5'
        start_ctr wt
        wrun wait wt
        assert_status 0
        assert_output "5"
        wrun wait wt
        assert_status 0
        assert_output "5"
        wrun wait nosuch
        assert_status 1
        assert_stderr_matches "^Error response from daemon: No such container: nosuch$"
        cleanup_ctrs
}

@test "restart: a running container gets a new process, a stopped one starts" {
        create_ctr rs "$(BB)" sleep 1000
        start_ctr rs
        inspect_f rs '{{.State.Pid}}'
        local pid1=$output
        wrun restart -t 0 rs
        assert_status 0
        assert_output "rs"
        inspect_f rs '{{.State.Status}} {{.State.Pid}}'
        [[ $output =~ ^running\ [0-9]+$ ]] || { echo "$output"; false; }
        [ "${output#running }" != "$pid1" ] || { echo "same pid $pid1"; false; }
        wrun stop -t 0 rs
        wrun restart rs
        assert_status 0
        wait_state rs running
        cleanup_ctrs
}

@test "rename: new name everywhere; taken, same, empty and invalid names refused" {
        create_ctr old "$(BB)" true
        local id=$CID
        create_ctr other "$(BB)" true
        wrun rename old new
        assert_status 0
        assert_output ""
        inspect_f "$id" '{{.Name}}'
        assert_output "/new"
        wrun rename new other
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "Conflict. The container name \"/other\" is already in use by container \"[0-9a-f]{64}\""
        wrun rename new new
        assert_status 1
        assert_stderr_matches "same name as its current name"
        wrun rename new 'bad name!'
        assert_status 1
        assert_stderr_matches "Invalid container name \(bad name!\)"
        wrun rename nosuch x
        assert_status 1
        assert_stderr_matches "^Error response from daemon: No such container: nosuch$"
        # the record was not touched by the failures
        inspect_f "$id" '{{.Name}}'
        assert_output "/new"
        cleanup_ctrs
}

@test "ids: unique prefixes work everywhere, an ambiguous one is docker's error" {
        create_ctr p1 "$(BB)" true
        local id=$CID
        inspect_f "${id:0:5}" '{{.Id}}'
        assert_output "$id"
        # with enough containers two share a first hex digit
        local i
        for i in $(seq 17); do create_ctr "px$i" "$(BB)" true; done
        local d
        for d in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
                [ "$(wharf ps -aq --no-trunc | grep -c "^$d")" -ge 2 ] && break
        done
        wrun inspect -f '{{.Id}}' "$d"
        assert_status 1
        wrun stop "$d"
        assert_status 1
        assert_stderr_matches "multiple IDs found with provided prefix: $d"
        cleanup_ctrs
}

@test "unknown container: one docker line and exit 1 for every command" {
        local cmd
        for cmd in stop kill restart pause unpause wait top rm; do
                wrun "$cmd" nosuchctr
                assert_status 1
                assert_one_error_line
                assert_stderr_matches "^Error response from daemon: No such container: nosuchctr$"
        done
        wrun inspect nosuchctr
        assert_status 1
        assert_output "[]"
        assert_stderr_matches "^Error: No such object: nosuchctr$"
}

@test "ps: -a, -q, -n, -l, --no-trunc, filters (OR within a key, AND across), formats" {
        create_ctr fa "$(BB)" sleep 1000
        local ida=$CID
        create_ctr fb "$(BB)" true
        local idb=$CID
        create_ctr fc "$(BB)" sh -c 'exit 2'
        start_ctr fa fc
        wrun wait fc
        assert_output "2"

        wrun ps -q
        assert_output "${ida:0:12}"
        wrun ps -aq --no-trunc
        [ "${#lines[@]}" -eq 3 ]
        wrun ps -l --format '{{.Names}}'
        assert_output "fc"
        wrun ps -n 2 --format '{{.Names}}'
        assert_output $'fc\nfb'

        wrun ps -a --filter status=running --format '{{.Names}}'
        assert_output "fa"
        wrun ps -a --filter status=running --filter status=created --format '{{.Names}}'
        assert_output $'fb\nfa'
        wrun ps -a --filter status=exited --filter name=fa --format '{{.Names}}'
        assert_output ""
        wrun ps -a --filter 'name=^/f[bc]$' --format '{{.Names}}'
        assert_output $'fc\nfb'
        wrun ps -a --filter "id=${idb:0:10}" --format '{{.ID}}'
        assert_output "${idb:0:12}"
        wrun ps -a --filter "ancestor=$(BB)" -q
        [ "${#lines[@]}" -eq 3 ]
        wrun ps -a --filter "ancestor=$(short_id "$BUSYBOX_ID")" -q
        [ "${#lines[@]}" -eq 3 ]
        wrun ps -a --filter ancestor=nosuchimage -q
        assert_output ""

        wrun ps -a --filter status=bogus
        assert_status 1
        assert_stderr_matches "Unrecognised filter value for status: bogus"
        wrun ps --filter foo=bar
        assert_status 1
        assert_stderr_matches "invalid filter 'foo'"
        wrun ps --filter foo
        assert_status 1
        assert_stderr_matches "bad format of filter"

        wrun ps --format 'table {{.ID}}\t{{.Names}}\t{{.State}}'
        assert_status 0
        [[ ${lines[0]} =~ ^CONTAINER\ ID\ +NAMES\ +STATE$ ]] || { echo "header: ${lines[0]}"; false; }
        [[ ${lines[1]} =~ ^${ida:0:12}\ +fa\ +running$ ]] || { echo "row: ${lines[1]}"; false; }
        wrun ps --format json
        assert_status 0
        [ "$(jq -r '.Names + " " + .State + " " + .ID' <<< "$output")" = "fa running ${ida:0:12}" ]
        wrun ps --format '{{.Nope'
        assert_status 1
        cleanup_ctrs
}

@test "ps: the default table's columns and statuses" {
        create_ctr d1 "$(BB)" sleep 1000
        start_ctr d1
        wrun ps
        assert_status 0
        [[ ${lines[0]} =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]] || { echo "${lines[0]}"; false; }
        [[ ${lines[1]} =~ \"sleep\ 1000\".*\ Up\ .*\ d1$ ]] || { echo "${lines[1]}"; false; }
        cleanup_ctrs
}

@test "inspect: docker's shape, -f field access, the exit recorded" {
        create_ctr ins "$(BB)" sh -c 'exit 4'
        local id=$CID
        wrun inspect ins
        assert_status 0
        jq -e --arg id "$id" --arg img "$BUSYBOX_ID" '
                length == 1 and .[0].Id == $id and .[0].Name == "/ins" and .[0].Image == $img and
                .[0].Path == "sh" and .[0].Args == ["-c", "exit 4"] and
                .[0].State.Status == "created" and .[0].State.Running == false and .[0].State.Paused == false and
                .[0].State.Restarting == false and .[0].State.OOMKilled == false and .[0].State.Dead == false and
                .[0].State.Pid == 0 and .[0].State.ExitCode == 0 and .[0].State.Error == "" and
                .[0].State.StartedAt == "0001-01-01T00:00:00Z" and .[0].RestartCount == 0 and
                (.[0].Created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\\.[0-9]+)?Z$")) and
                .[0].HostConfig.RestartPolicy.Name == "no" and .[0].HostConfig.NetworkMode == "none" and
                .[0].Config.Cmd == ["sh", "-c", "exit 4"] and .[0].Config.Image == ($ENV.REGISTRY + "/library/busybox") and
                .[0].Config.Labels == {} and .[0].Mounts == [] and
                (.[0].NetworkSettings.Networks | keys) == ["none"]' <<< "$output" >/dev/null ||
                { echo "$output"; false; }
        start_ctr ins
        wrun wait ins
        assert_output "4"
        inspect_f ins '{{.State.Status}}/{{.State.ExitCode}}/{{.Config.Image}}/{{json .Config.Cmd}}/{{.HostConfig.RestartPolicy.Name}}'
        assert_output "exited/4/$(BB)/[\"sh\",\"-c\",\"exit 4\"]/no"
        inspect_f ins '{{.State.StartedAt}}'
        [[ $output =~ ^20[0-9]{2}- ]] || { echo "$output"; false; }
        wrun inspect -f '{{.Nope}}' ins
        assert_output "<no value>"
        wrun inspect -f '{{index .Nope' ins
        assert_status 1
        assert_stderr_matches "^Template parsing error"
        cleanup_ctrs
}

@test "rm: a running container needs -f; -f -v removes it, its processes and mounts" {
        create_ctr rmme "$(BB)" sleep 1000
        start_ctr rmme
        wrun rm rmme
        assert_status 1
        assert_stderr_matches "You cannot remove a running container"
        wrun rm -f -v rmme
        assert_status 0
        assert_output "rmme"
        assert_no_containers
        assert_no_leaks 15
}
