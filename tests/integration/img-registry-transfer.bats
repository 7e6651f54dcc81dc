#!/usr/bin/env bats
# registries.conf (mirrors, insecure registries, parallel downloads),
# --platform, retries when the registry goes away in the middle of a pull,
# and progress visible on the bus.

load helpers
load img-registry-helpers

setup_file() { img_registry_setup_file --big; }
teardown_file() { img_registry_teardown_file; }
teardown() { wharf_teardown; }

registryd_prop() {
        busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.wharf.Registry1 /org/wharf/Registry1 \
                org.wharf.Registry1 "$1"
}

@test "max-concurrent-downloads comes from registries.conf (default 3)" {
        run registryd_prop MaxConcurrentDownloads
        [ "$output" = "u 3" ] || { echo "$output"; false; }
        registries_conf <<< $'[global]\nmax-concurrent-downloads = 5'
        run registryd_prop MaxConcurrentDownloads
        [ "$output" = "u 5" ] || { echo "$output"; false; }
        registries_conf < /dev/null
}

@test "a bad registries.conf keeps registryd from starting, with the line in its log" {
        registries_conf <<< $'[global]\nmax-concurrent-downloads = lots'
        wrun pull "$REGISTRY/library/busybox"
        assert_failure
        assert_one_error_line
        grep -q "line 2: max-concurrent-downloads" "$STATE/logs/registryd.log"
        registries_conf < /dev/null
}

@test "a mirror is tried first: the image comes from it even when the registry has none" {
        MIRROR=$(extra_registry_start mirror copy)
        # a registry that has nothing: only the mirror can serve the image
        EMPTY=$(extra_registry_start empty empty)
        printf '[registry "%s"]\nmirror = %s\n' "$EMPTY" "$MIRROR" | registries_conf
        wrun pull "$EMPTY/library/busybox"
        assert_status 0
        images_has "$EMPTY/library/busybox" latest
        wrun rmi "$EMPTY/library/busybox"
        assert_status 0
}

@test "a mirror that is down or lacks the image: the registry itself is used" {
        local dead
        dead=127.0.0.1:$(fixtures_free_port)
        EMPTY=$(extra_registry_start empty2 empty)
        printf '[registry "%s"]\nmirror = %s\nmirror = %s\n' "$REGISTRY" "$dead" "$EMPTY" | registries_conf
        wrun pull "$REGISTRY/library/busybox"
        assert_status 0
        grep -q "Mirror $dead failed" "$STATE/logs/registryd.log"
        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
        registries_conf < /dev/null
}

@test "plain HTTP: loopback only, unless the registry is marked insecure" {
        # localhost.localdomain-like names are not loopback to us: use a
        # name that resolves to loopback but is not one of ours
        grep -qE '^127\.[0-9.]+[[:space:]].*\blocalhost\b' /etc/hosts || skip "no localhost alias"
        local name
        name=$(awk '/^127\./ { for (i = 2; i <= NF; i++) if ($i != "localhost" && $i !~ /^ip6/) { print $i; exit } }' /etc/hosts)
        [ -n "$name" ] || skip "no non-localhost name for 127.0.0.1 in /etc/hosts"
        registries_conf < /dev/null
        wrun pull "$name:$REGISTRY_PORT/library/busybox"
        assert_failure
        assert_one_error_line
        printf '[registry "%s:%s"]\ninsecure = true\n' "$name" "$REGISTRY_PORT" | registries_conf
        wrun pull "$name:$REGISTRY_PORT/library/busybox"
        assert_status 0
        wrun rmi "$name:$REGISTRY_PORT/library/busybox"
        assert_status 0
        registries_conf < /dev/null
}

@test "--platform picks the index entry; a platform the image lacks fails with one line" {
        wrun pull --platform linux/amd64 "$REGISTRY/library/ocibox"
        assert_status 0
        images_has "$REGISTRY/library/ocibox" latest
        wrun rmi "$REGISTRY/library/ocibox"
        assert_status 0
        wrun pull --platform linux/s390x "$REGISTRY/library/ocibox"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "no matching manifest for linux/s390x"
        wrun pull --platform nonsense "$REGISTRY/library/ocibox"
        assert_failure
        assert_one_error_line
}

@test "run --platform passes the platform to the pull" {
        wrun run --rm --platform linux/s390x "$REGISTRY/library/ocibox"
        assert_failure
        assert_stderr_matches "no matching manifest for linux/s390x"
        wrun run --rm --platform linux/amd64 "$REGISTRY/library/ocibox"
        assert_status 0
        wrun rmi "$REGISTRY/library/ocibox"
        assert_status 0
}

@test "registry stopped at the start of a pull and restarted: the pull retries and completes" {
        local port dir pid
        printf '[global]\nretries = 8\n' | registries_conf
        FLAKY=$(extra_registry_start flaky copy)
        dir=$IMG_CONF_DIR/reg-flaky
        extra_registry_stop "$dir"
        timeout -k 5 120 "$WHARF_CLI" pull "$FLAKY/library/busybox" >"$IMG_CONF_DIR/flaky.out" 2>&1 </dev/null &
        pid=$!
        sleep 2
        extra_registry_start flaky copy >/dev/null
        wait "$pid" || { cat "$IMG_CONF_DIR/flaky.out"; false; }
        grep -q "retry" "$STATE/logs/registryd.log"
        images_has "$FLAKY/library/busybox" latest
        wrun rmi "$FLAKY/library/busybox"
        assert_status 0
}

@test "registry killed in the middle of a big layer: the download resumes (Range) and completes" {
        local dir pid i
        printf '[global]\nretries = 8\n' | registries_conf
        BIGREG=$(extra_registry_start bigreg copy)
        dir=$IMG_CONF_DIR/reg-bigreg
        timeout -k 5 180 "$WHARF_CLI" pull "$BIGREG/library/big" >"$IMG_CONF_DIR/big.out" 2>&1 </dev/null &
        pid=$!
        # wait until a few MB of the layer are unpacked: the stream is under way
        for ((i = 0; i < 300; i++)); do
                [ "$(du -sk "$STATE/lib/graph/tmp" 2>/dev/null | cut -f1)" -gt 8192 ] 2>/dev/null && break
                sleep 0.05
        done
        # no graceful shutdown: the connection breaks mid-stream
        kill -KILL "$(cat "$dir/pid")"
        sleep 1
        extra_registry_start bigreg copy >/dev/null
        wait "$pid" || { cat "$IMG_CONF_DIR/big.out"; false; }
        images_has "$BIGREG/library/big" latest
        wrun rmi "$BIGREG/library/big"
        assert_status 0
        # it broke after some bytes, and went on from there
        grep -E "Transfer [0-9]+ of .* after [1-9][0-9]* bytes; retry" "$STATE/logs/registryd.log"
}

@test "pull progress is on the bus (busctl monitor sees LogMessage and Progress)" {
        local mon=$IMG_CONF_DIR/monitor.log mpid
        timeout 60 busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" monitor org.wharf.Engine1 >"$mon" 2>&1 &
        mpid=$!
        sleep 1
        wrun pull "$REGISTRY/library/whiteout"
        assert_status 0
        sleep 1
        kill "$mpid" 2>/dev/null || true
        wait "$mpid" 2>/dev/null || true
        grep -q "LogMessage" "$mon"
        grep -q "Pull complete" "$mon"
        grep -q "JobRemoved" "$mon"
        wrun rmi "$REGISTRY/library/whiteout"
        assert_status 0
}

@test "pull -q prints only the reference" {
        wrun pull -q "$REGISTRY/library/busybox"
        assert_status 0
        assert_output "$REGISTRY/library/busybox:latest"
        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
}

@test "no leaks" {
        registries_conf < /dev/null
        assert_no_leaks
}
