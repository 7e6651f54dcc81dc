#!/usr/bin/env bats
# pause/unpause, top, stats (issue 4): wharfd's side of Exec1.Pause/Resume,
# ListProcesses and Stats. Skipped while execd does not implement them.

load helpers
load ctr-life

setup_file() {
        wharf_setup_file
        wharf pull "$(BB)" >/dev/null </dev/null
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

counter() { cat "/proc/$1/root/tmp/count" 2>/dev/null || echo none; }

@test "pause freezes a counter loop, unpause lets it go on; docker's errors" {
        create_ctr cnt "$(BB)" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'
        start_ctr cnt
        inspect_f cnt '{{.State.Pid}}'
        local pid=$output
        wrun pause cnt
        skip_unless_exec_method Pause
        assert_status 0
        assert_output "cnt"
        inspect_f cnt '{{.State.Status}} {{.State.Paused}} {{.State.Running}}'
        assert_output "paused true true"
        wrun ps --format '{{.Status}}'
        [[ $output =~ ^Up\ .*\(Paused\)$ ]] || { echo "$output"; false; }
        local a b
        a=$(counter "$pid"); sleep 1; b=$(counter "$pid")
        [ "$a" = "$b" ] || { echo "counter moved while paused: $a -> $b"; false; }

        wrun pause cnt
        assert_status 1
        assert_stderr_matches "Container [0-9a-f]{64} is already paused"

        wrun unpause cnt
        assert_status 0
        assert_output "cnt"
        sleep 1
        b=$(counter "$pid")
        [ "$b" != "$a" ] || { echo "counter did not move after unpause: $a"; false; }
        inspect_f cnt '{{.State.Status}}'
        assert_output "running"
        wrun unpause cnt
        assert_status 1
        assert_stderr_matches "Container [0-9a-f]{64} is not paused"

        # a paused container still stops
        wrun pause cnt
        wrun stop -t 1 cnt
        assert_status 0
        inspect_f cnt '{{.State.Status}} {{.State.Paused}}'
        assert_output "exited false"
        wrun pause cnt
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "Container [0-9a-f]{64} is not running"
        cleanup_ctrs
}

@test "top: ps -ef's columns for the container's processes" {
        create_ctr tp "$(BB)" sh -c 'sleep 1000 & sleep 1001'
        start_ctr tp
        wrun top tp
        skip_unless_exec_method ListProcesses
        assert_status 0
        [[ ${lines[0]} =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]] || { echo "${lines[0]}"; false; }
        # sh, or the sleep it exec'd last, and the other sleep
        [ "${#lines[@]}" -ge 3 ]
        printf '%s\n' "${lines[@]}" | grep -qE '^root +[0-9]+ +[0-9]+ +[0-9]+ +[0-9:A-Za-z]+ +\? +[0-9:]+ +sleep 1001$'
        wrun stop -t 0 tp
        wrun top tp
        assert_status 1
        assert_stderr_matches "Container [0-9a-f]{64} is not running"
        cleanup_ctrs
}

@test "stats --no-stream: docker's table" {
        create_ctr st "$(BB)" sleep 1000
        start_ctr st
        wrun stats --no-stream st
        skip_unless_exec_method Stats
        assert_status 0
        [[ ${lines[0]} =~ ^CONTAINER\ ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ I/O\ +BLOCK\ I/O\ +PIDS$ ]] ||
                { echo "${lines[0]}"; false; }
        local row=${lines[1]}
        inspect_f st '{{.Id}}'
        [[ $row =~ ^${output:0:12}\ +st\ +[0-9]+\.[0-9]{2}%\ +[0-9.]+[KMG]?i?B\ /\ [0-9.]+[KMGT]i?B\ +[0-9]+\.[0-9]{2}%\ +.+\ +1$ ]] ||
                { echo "$row"; false; }
        cleanup_ctrs
}
