#!/usr/bin/env bats
# --runtime runc: the same spec run by wharf's own init and by runc (the
# annotation org.wharf.runtime), compared on the same containers; execd on a
# private bus, driven by exec-run-helper. Root, busybox and runc needed.

load exec-helpers

setup_file() {
        exec_setup_file
}

teardown_file() {
        exec_teardown_file
}

setup() {
        exec_setup
        command -v runc >/dev/null || skip "runc is not installed (tools/install-deps)"
}

RUNC='"annotations":{"org.wharf.runtime":"runc"}'

# both ID ARGS_JSON: runs the container with each runtime; $wout/$wstatus
# (wharf) and $rout/$rstatus (runc), stderr in $werr/$rerr
both() {
        xrun "$1-w" "$2"
        wout=$out werr=$err wstatus=$status
        xrun "$1-r" "$2" "$RUNC"
        rout=$out rerr=$err rstatus=$status
        echo "wharf ($wstatus): $wout $werr"
        echo "runc  ($rstatus): $rout $rerr"
}

# nothing of the container left: runc's state, the cgroup, the bundle's
# processes and mounts
assert_gone() {
        [ ! -e "$T/state/run/exec/runc/$1" ] || { echo "runc state left: $1"; return 1; }
        assert_no_cgroup "$1"
        ! grep -q "/exec/$1/" /proc/mounts || { echo "mount left: $1"; return 1; }
}

@test "runc: capabilities are the same" {
        both caps '["sh","-c","grep Cap /proc/self/status"]'
        [ "$wstatus" -eq 0 ] && [ "$rstatus" -eq 0 ]
        [ -n "$wout" ] && [ "$wout" = "$rout" ]
        assert_gone caps-r
}

@test "runc: hostname, id, ls / and /proc/1/cmdline are the same" {
        for cmd in '["hostname"]' '["id"]' '["ls","/"]' '["sh","-c","od -c /proc/1/cmdline"]' \
                   '["sh","-c","ls /dev; ls /proc/sys >/dev/null; cat /proc/kcore 2>&1 | wc -c"]'; do
                both probe "$cmd"
                [ "$wstatus" -eq 0 ] && [ "$rstatus" -eq 0 ]
                [ -n "$wout" ] && [ "$wout" = "$rout" ]
                exec1 Delete s probe-w
                exec1 Delete s probe-r
                assert_gone probe-r
        done
}

@test "runc: exit codes 0, 3 and 127 for a missing command" {
        both ok '["true"]'
        [ "$wstatus" -eq 0 ] && [ "$rstatus" -eq 0 ]
        both three '["sh","-c","exit 3"]'
        [ "$wstatus" -eq 3 ] && [ "$rstatus" -eq 3 ]
        both missing '["nosuchcommand"]'
        [ "$wstatus" -eq 127 ] && [ "$rstatus" -eq 127 ]
        [[ "$rerr" == *nosuchcommand* ]]
        [ ! -e "$T/state/run/exec/missing-r" ]
        assert_gone missing-r
        assert_gone three-r
}

@test "runc: an unknown runtime name is refused" {
        xrun badrt '["true"]' '"annotations":{"org.wharf.runtime":"nosuchruntime"}'
        [ "$status" -eq 125 ]
        [[ "$err" == *"unknown or invalid runtime name: nosuchruntime"* ]]
        [ ! -e "$T/state/run/exec/badrt" ]
}

@test "runc: cgroup limits land in the same cgroup, with the same values" {
        local f
        for rt in w r; do
                if [ $rt = r ]; then extra="$RUNC"; else extra=""; fi
                LINUX_EXTRA='"resources":{"memory":{"limit":67108864},"pids":{"limit":42}}' \
                        xstart "lim-$rt" '["sleep","1000"]' "$extra"
                [ "$(xstate "lim-$rt")" = running ]
                cat "$T/state/run/exec/lim-$rt/cgroup"
                f=$(sed -n 's/^memory //p' "$T/state/run/exec/lim-$rt/cgroup")
                [[ "$f" == */wharf/lim-$rt ]]
                eval "mem_$rt=\$(cat $f/memory.limit_in_bytes)"
                f=$(sed -n 's/^pids //p' "$T/state/run/exec/lim-$rt/cgroup")
                eval "pids_$rt=\$(cat $f/pids.max)"
                grep -qx "$(cat "$T/lim-$rt.pid")" "$f/cgroup.procs"
        done
        [ "$mem_w" = 67108864 ] && [ "$mem_r" = "$mem_w" ]
        [ "$pids_w" = 42 ] && [ "$pids_r" = "$pids_w" ]
        # Pause/Resume through the freezer, Stats from the cgroup
        exec1 Pause s lim-r
        [ "$(xstate lim-r)" = paused ]
        exec1 Resume s lim-r
        [ "$(xstate lim-r)" = running ]
        exec1 Stats s lim-r | grep -q memory
        for rt in w r; do
                exec1 Kill si "lim-$rt" 9
                wait_stopped "lim-$rt"
                [ "$(xstate "lim-$rt" code)" = 137 ]
        done
        assert_gone lim-r
        assert_gone lim-w
        ! kill -0 "$(cat "$T/lim-r.pid")" 2>/dev/null
}

@test "runc: Exec, ListProcesses and an execd restart work on a runc container" {
        xstart exr '["sleep","1000"]' "$RUNC"
        [ "$(xstate exr)" = running ]
        echo '{"args":["sh","-c","hostname; od -c /proc/1/cmdline | head -1; exit 7"],"env":["PATH=/bin"],"cwd":"/"}' > "$T/exr.proc"
        run "$HELPER" --exec exr "$T/exr.proc"
        echo "$output"
        [ "$status" -eq 7 ]
        [ "${lines[0]}" = wharftest ]
        [[ "${lines[1]}" == *"s   l   e   e   p"* ]]
        exec1 ListProcesses s exr | grep -q sleep
        # the container outlives execd; the new execd adopts it
        kill -9 "$(cat "$T/execd.pid")"
        exec_start_execd
        [ "$(xstate exr)" = running ]
        exec1 Kill si exr 9
        wait_stopped exr
        [ "$(xstate exr code)" = 137 ]
        exec1 Delete s exr
        assert_gone exr
        [ ! -e "$T/state/run/exec/exr" ]
}
