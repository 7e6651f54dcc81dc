#!/usr/bin/env bats
# `wharf run -t --runtime runc`: runc's --console-socket. The monitor listens
# on RUN/exec/ID/console.sock, runc sends the pty master there, and the
# monitor holds it as it holds the pty of wharf's own runtime.
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

setup() {
        command -v runc >/dev/null || skip "runc is not installed (tools/install-deps)"
        command -v script >/dev/null || skip "script(1) (bsdutils) not installed"
}

BB() { echo "$REGISTRY/library/busybox"; }

@test "run --rm -t --runtime runc: a terminal in the container, output through it" {
        run bash -c "echo | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run --rm -t --runtime runc '$(BB)' sh -c 'test -t 0 && test -t 1 && echo tty-ok; tty'\" /dev/null"
        echo "$output"
        [[ $output == *tty-ok* ]]
        [[ $output == */dev/pts/0* ]]
        assert_no_leaks
        [ -z "$(ls "$STATE/run/exec/runc" 2>/dev/null)" ]
}

@test "run -it --runtime runc: interactive shell and its exit code" {
        run bash -c "{ sleep 2; printf 'echo hi-\$((6*7))\nexit 3\n'; sleep 3; } | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run --rm -it --runtime runc '$(BB)' sh\" /dev/null"
        echo "$output"
        [[ $output == *hi-42* ]]
        assert_status 3
        assert_no_leaks
}

@test "run -d -t --runtime runc: the terminal's output goes to the log" {
        local id i
        wrun run -d -t --runtime runc "$(BB)" sh -c 'test -t 1 && echo tty-log-ok'
        assert_status 0
        id=$output
        wrun wait "$id"
        assert_output "0"
        for i in $(seq 50); do
                wrun logs "$id"
                [[ $output == *tty-log-ok* ]] && break
                sleep 0.2
        done
        [[ $output == *tty-log-ok* ]]
        wrun rm "$id"
        assert_no_leaks
}

@test "run -t --runtime runc: a missing command is 127, nothing left" {
        run bash -c "echo | script -qec \"timeout --foreground -k 5 60 '$WHARF_CLI' run --rm -t --runtime runc '$(BB)' nosuchcommand; echo rc=\\\$?\" /dev/null"
        echo "$output"
        [[ $output == *rc=127* ]]
        assert_no_leaks
        [ -z "$(ls "$STATE/run/exec/runc" 2>/dev/null)" ]
}
