#!/usr/bin/env bats
# Streams (issue 4): run -d and logs, run -i with piped stdin, exec, attach,
# run -t through a pseudo-terminal (script(1)), detach keys.
#
# Under script(1), `timeout --foreground`: script runs its command with
# $SHELL -c, or dash when SHELL is unset (as under CI), and dash forks
# timeout, which would then put the CLI in a process group of its own, in
# the background of the pty: the CLI's tcsetattr() stops it with SIGTTOU.

load helpers

setup_file() {
        wharf_setup_file
        run --separate-stderr wharf pull "$REGISTRY/library/busybox" </dev/null
        [ "$status" -eq 0 ] || { echo "pull failed: $stderr" >&3; return 1; }
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }

# waits until the container is no longer running (ps shows running ones)
wait_exited() {
        local i
        for i in $(seq 1 100); do
                wharf ps -q --no-trunc 2>/dev/null | grep -q "^$1" || return 0
                sleep 0.2
        done
        echo "container $1 still running"
        return 1
}

# cli_bg OUT ARGS...: the CLI itself in the background (so that a signal
# reaches it, not timeout(1)), its output in OUT; its pid in $cli
cli_bg() {
        local out=$1; shift
        "$WHARF_CLI" "$@" > "$out" 2>&1 </dev/null 3>&- &
        cli=$!
}

# cli_ends OUT CODE LINES: $cli exits with CODE, OUT's "got-" lines are LINES
cli_ends() {
        local out=$1 code=$2 want=$3 rc=0
        wait_bounded "$cli" || rc=$?
        cat "$out"
        [ "$rc" -eq "$code" ] || { echo "exit $rc, expected $code"; return 1; }
        [ "$(grep got- "$out" | tr '\n' ' ')" = "$want" ]
}

# wait_for_text FILE TEXT: until FILE holds TEXT, at most 10 s
wait_for_text() {
        local i
        for i in $(seq 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done
        echo "no \"$2\" in $1:"; cat "$1"
        return 1
}

@test "run -d prints the id; the output goes to the log only" {
        wrun run -d "$(BB)" sh -c 'echo out; echo err >&2'
        assert_status 0
        [[ $output =~ ^[0-9a-f]{64}$ ]] || { echo "not an id: $output"; false; }
        local id=$output
        wait_exited "$id"
        wrun logs "$id"
        assert_status 0
        assert_output "out"
        [ "$stderr" = "err" ] || { echo "stderr: $stderr"; false; }
        # docker's file and format
        local log=$STATE/lib/engine/containers/$id/$id-json.log
        grep -q '"log":"out\\n","stream":"stdout","time":"' "$log"
        wrun rm "$id"
        assert_no_leaks
}

@test "logs --tail, -t, --since, --until" {
        wrun run -d --name tl "$(BB)" sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
        wait_exited "$output"
        wrun logs --tail 2 tl
        assert_output $'line4\nline5'
        wrun logs -n 0 tl
        assert_output ""
        wrun logs --tail all tl
        [ "${#lines[@]}" -eq 5 ]
        wrun logs -t --tail 1 tl
        [[ $output =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ line5$ ]] ||
                { echo "no timestamp: $output"; false; }
        wrun logs --since 2000-01-01T00:00:00Z tl
        [ "${#lines[@]}" -eq 5 ]
        wrun logs --until 2000-01-01 tl
        assert_output ""
        wrun logs --since 1h tl
        [ "${#lines[@]}" -eq 5 ]
        wrun logs --since "$(( $(date +%s) + 3600 ))" tl
        assert_output ""
        wrun logs --since yesterday tl
        assert_status 1
        assert_stderr_matches "failed to parse value as time or duration"
        wrun rm tl
}

@test "logs -f follows and ends when the container exits" {
        wrun run -d --name fl "$(BB)" sh -c 'echo first; sleep 2; echo second'
        wrun logs -f fl
        assert_status 0
        assert_output $'first\nsecond'
        wrun rm fl
        assert_no_leaks
}

@test "logs of an unknown container" {
        wrun logs nosuchcontainer
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "No such container: nosuchcontainer"
}

@test "--log-opt max-size/max-file rotate; logs reads the rotated files first" {
        wrun run -d --name rot --log-opt max-size=1k --log-opt max-file=3 "$(BB)" \
                sh -c 'i=0; while [ $i -lt 40 ]; do echo line$i; i=$((i+1)); done'
        local id=$output
        wait_exited "$id"
        [ -e "$STATE/lib/engine/containers/$id/$id-json.log.1" ] || { ls "$STATE/lib/engine/containers/$id"; false; }
        [ ! -e "$STATE/lib/engine/containers/$id/$id-json.log.3" ]
        wrun logs rot
        # the newest lines, in order, ending with the last one
        [ "${lines[-1]}" = "line39" ]
        wrun logs --tail 3 rot
        assert_output $'line37\nline38\nline39'
        wrun rm rot
}

@test "run -i passes piped stdin; without -i the container gets none" {
        run --separate-stderr bash -c "printf 'a\nb\n' | timeout 60 '$WHARF_CLI' run --rm -i '$(BB)' wc -l"
        [ "$status" -eq 0 ] && [ "$output" = "2" ] || { echo "status $status: $output / $stderr"; false; }
        run --separate-stderr bash -c "printf 'a\nb\n' | timeout 60 '$WHARF_CLI' run --rm '$(BB)' wc -l"
        [ "$status" -eq 0 ] && [ "$output" = "0" ] || { echo "status $status: $output / $stderr"; false; }
        assert_no_leaks
}

@test "exec: output, exit code, -e, -u, -w; 126/127; not running" {
        wrun run -d --name ex -e FROM=run "$(BB)" sleep 600
        assert_status 0
        wrun exec ex sh -c 'echo $FROM $(id -u) $(pwd)'
        assert_status 0
        assert_output "run 0 /"
        wrun exec -e X=1 -u nobody -w /tmp ex sh -c 'echo $X $(id -u) $(pwd)'
        assert_output "1 65534 /tmp"
        wrun exec ex sh -c 'exit 7'
        assert_status 7
        wrun -127 exec ex nosuchcmd
        assert_status 127
        assert_one_error_line
        wrun exec ex /etc/passwd
        assert_status 126
        wrun exec -u nosuch ex true
        assert_status 125
        assert_stderr_matches "unable to find user nosuch"
        run --separate-stderr bash -c "echo piped | timeout 60 '$WHARF_CLI' exec -i ex cat"
        [ "$output" = "piped" ] || { echo "exec -i: $output / $stderr"; false; }
        wrun exec -d ex sh -c 'echo bg > /tmp/bg'
        assert_status 0
        assert_output ""
        sleep 1
        wrun exec ex cat /tmp/bg
        assert_output "bg"
        wrun rm -f ex
        wrun run -d --name ex2 "$(BB)" true
        wait_exited "$output"
        wrun exec ex2 true
        assert_status 125
        assert_stderr_matches "is not running"
        wrun rm ex2
        assert_no_leaks
}

@test "run -t: a terminal in the container, output through it" {
        command -v script >/dev/null || skip "script(1) (bsdutils) not installed"
        run bash -c "script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run --rm -t '$(BB)' sh -c 'test -t 0 && test -t 1 && echo tty-ok'\" /dev/null"
        echo "$output"
        [[ $output == *tty-ok* ]]
        assert_no_leaks
}

@test "run -it: interactive shell, exit code; Ctrl-P Ctrl-Q detaches and the container runs on" {
        command -v script >/dev/null || skip "script(1) (bsdutils) not installed"
        run bash -c "{ sleep 2; printf 'echo hi-\$((6*7))\nexit 3\n'; sleep 3; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run --rm -it '$(BB)' sh\" /dev/null"
        echo "$output"
        [[ $output == *hi-42* ]]
        assert_no_leaks
        # detach
        run bash -c "{ sleep 2; printf '\020\021'; sleep 3; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run -it --name det '$(BB)' sh\" /dev/null"
        echo "$output"
        run --separate-stderr wharf ps -q
        [ -n "$output" ] || { echo "the detached container is gone"; false; }
        # attach again: what is typed reaches the shell; detach once more,
        # then attach and exit with a code
        run bash -c "{ sleep 2; printf 'echo again-\$((6*7))\n'; sleep 2; printf '\020\021'; sleep 2; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' attach det\" /dev/null"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *again-42* ]]
        run --separate-stderr wharf ps -q --filter name=det
        [ -n "$output" ] || { echo "the container is gone after the second detach"; false; }
        run bash -c "{ sleep 2; printf 'exit 5\n'; sleep 3; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' attach det\" /dev/null"
        echo "$output"
        [ "$status" -eq 5 ]
        wrun rm -f det
        assert_no_leaks
}

@test "attach: output from then on, and the container's exit code" {
        wrun run -d --name at "$(BB)" sh -c 'sleep 4; echo late; exit 4'
        assert_status 0
        wrun attach --no-stdin at
        assert_status 4
        assert_output "late"
        wrun attach at
        assert_status 1
        assert_one_error_line
        assert_stderr_matches "You cannot attach to a stopped container, start it first"
        wrun rm at
        assert_no_leaks
}

@test "attach forwards signals to the container (--sig-proxy); with --sig-proxy=false it leaves it running" {
        local cli rc
        wrun run -d --name ats "$(BB)" sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 8" TERM;
                while :; do sleep 0.1; done'
        assert_status 0
        cli_bg "$WHARF_TMP/ats.out" attach --no-stdin ats
        sleep 1                 # attached
        kill -USR1 "$cli"
        wait_for_text "$WHARF_TMP/ats.out" got-usr1
        kill -TERM "$cli"
        cli_ends "$WHARF_TMP/ats.out" 8 "got-usr1 got-term "
        wrun rm ats
        assert_status 0

        wrun run -d --name atn "$(BB)" sh -c 'trap "exit 8" TERM; while :; do sleep 0.1; done'
        assert_status 0
        cli_bg "$WHARF_TMP/atn.out" attach --sig-proxy=false --no-stdin atn
        sleep 1
        kill -TERM "$cli"
        rc=0; wait_bounded "$cli" || rc=$?
        [ "$rc" -eq 143 ]
        wrun ps -q --filter name=atn
        [ -n "$output" ] || { echo "the container did not run on"; false; }
        wrun rm -f atn
        wrun attach --sig-proxy=maybe atn
        assert_failure
        assert_stderr_matches 'invalid argument "maybe" for "--sig-proxy" flag'
        assert_no_leaks
}

@test "start -ai of a -t container: the terminal proxy (raw, detach keys); on a running one it attaches" {
        command -v script >/dev/null || skip "script(1) (bsdutils) not installed"
        wrun create -it --name sta "$(BB)" sh
        assert_status 0
        run bash -c "{ sleep 2; printf 'echo st-\$((6*7))\n'; sleep 2; printf '\020\021'; sleep 2; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' start -ai sta\" /dev/null"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *st-42* ]]
        # raw mode: the line is echoed once, by the container's terminal
        [ "$(grep -o 'echo st-' <<< "$output" | wc -l)" -eq 1 ]
        run --separate-stderr wharf ps -q --filter name=sta
        [ -n "$output" ] || { echo "detached, yet the container is gone"; false; }
        run bash -c "{ sleep 2; printf 'exit 6\n'; sleep 3; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' start -ai sta\" /dev/null"
        echo "$output"
        [ "$status" -eq 6 ]
        wrun rm -f sta
        assert_no_leaks
}

@test "run without -t: signals to the client go to the container (--sig-proxy); with --sig-proxy=false they do not" {
        local cli rc
        cli_bg "$WHARF_TMP/spx.out" run --name spx "$(BB)" sh -c \
                'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.2; done'
        wait_for_text "$WHARF_TMP/spx.out" ready
        kill -TERM "$cli"
        cli_ends "$WHARF_TMP/spx.out" 7 "got-term "
        wrun rm spx
        assert_status 0

        # every signal docker's client forwards, in order, not just INT/TERM
        cli_bg "$WHARF_TMP/spa.out" run --name spa "$(BB)" sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP;
                trap "echo got-usr2; exit 9" USR2; echo ready; while :; do sleep 0.1; done'
        wait_for_text "$WHARF_TMP/spa.out" ready
        kill -USR1 "$cli"
        wait_for_text "$WHARF_TMP/spa.out" got-usr1
        kill -HUP "$cli"
        wait_for_text "$WHARF_TMP/spa.out" got-hup
        kill -USR2 "$cli"
        cli_ends "$WHARF_TMP/spa.out" 9 "got-usr1 got-hup got-usr2 "
        wrun rm spa
        assert_status 0

        cli_bg "$WHARF_TMP/spn.out" run --sig-proxy=false --name spn "$(BB)" sh -c 'echo ready; while :; do sleep 0.2; done'
        wait_for_text "$WHARF_TMP/spn.out" ready
        kill -TERM "$cli"
        rc=0; wait_bounded "$cli" || rc=$?
        [ "$rc" -eq 143 ]
        wrun ps -q --filter name=spn
        [ -n "$output" ] || { echo "the container did not run on"; false; }
        wrun rm -f spn
        wrun -125 run --sig-proxy=maybe "$(BB)" true
        assert_stderr_matches 'invalid argument "maybe" for "--sig-proxy" flag'
        assert_no_leaks
}
