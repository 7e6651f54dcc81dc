#!/usr/bin/env bats
# An OOM kill is reported: State.OOMKilled in inspect, exit 137, with wharf's
# own runtime and with runc.

load helpers

setup_file() {
        wharf_setup_file
        run --separate-stderr wharf pull "$REGISTRY/library/busybox" </dev/null
        [ "$status" -eq 0 ] || { echo "pull failed: $stderr" >&3; return 1; }
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }

# oom_case [RUN OPTIONS...]: a memory hog under -m 8m (no swap beyond it)
oom_case() {
        wrun -137 run --name "oom$1" -m 8m --memory-swap 8m "${@:2}" "$(BB)" sh -c 'x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done'
        assert_status 137
        wrun inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "oom$1"
        assert_status 0
        assert_output "true 137"
        wrun rm "oom$1"
        assert_status 0
}

@test "oom: a memory hog under -m is killed and reported as OOMKilled" {
        oom_case w
        # a container that stays within its limit is not
        wrun run --name fine -m 64m "$(BB)" true
        assert_status 0
        wrun inspect -f '{{.State.OOMKilled}}' fine
        assert_output "false"
        wrun rm fine
        assert_no_leaks
}

@test "oom: the same with --runtime runc" {
        command -v runc >/dev/null || skip "runc is not installed (tools/install-deps)"
        oom_case r --runtime runc
        assert_no_leaks
}
