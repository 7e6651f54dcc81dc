#!/usr/bin/env bats
# `wharf run --runtime runc` through the whole stack: the same containers
# with wharf's own runtime and with runc give the same results.

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
}

BB() { echo "$REGISTRY/library/busybox"; }

@test "run --runtime runc: same capabilities, hostname form, id, ls / and exit codes as the default" {
        local cmd w r
        for cmd in "grep Cap /proc/self/status" "id" "ls /" "hostname | wc -c" "cat /proc/1/cmdline | wc -c"; do
                wrun run --rm "$(BB)" sh -c "$cmd"
                assert_status 0
                w=$output
                wrun run --rm --runtime runc "$(BB)" sh -c "$cmd"
                assert_status 0
                r=$output
                echo "$cmd: wharf [$w] runc [$r]"
                [ -n "$w" ] && [ "$w" = "$r" ]
        done
        wrun run --rm --runtime runc "$(BB)" sh -c 'exit 3'
        assert_status 3
        wrun -127 run --rm --runtime runc "$(BB)" nosuchcommand
        assert_status 127
        [[ $stderr == *nosuchcommand* ]]
        assert_no_leaks
        [ -z "$(ls "$STATE/run/exec/runc" 2>/dev/null)" ]
}

@test "run --runtime nosuch: unknown or invalid runtime name, 125" {
        wrun run --rm --runtime nosuch "$(BB)" true
        assert_status 125
        [[ $stderr == *"unknown or invalid runtime name: nosuch"* ]]
}

@test "run --runtime runc -m: the limit is on the container cgroup; inspect shows the runtime" {
        wrun run -d --runtime runc -m 64m "$(BB)" sleep 1000
        assert_status 0
        local id=$output
        wrun inspect -f '{{.HostConfig.Runtime}}' "$id"
        [ "$output" = runc ] || wharf inspect "$id" | grep -q '"Runtime": *"runc"'
        local f
        f=$(sed -n 's/^memory //p' "$STATE/run/exec/$id/cgroup")
        [ "$(cat "$f/memory.limit_in_bytes")" = 67108864 ]
        wrun rm -f "$id"
        assert_status 0
        assert_no_leaks
}
