#!/usr/bin/env bats
# The test tools themselves: tools/wharf-reaper, tools/stack (with fake
# daemons), tools/check-introspect, and the fixture images and registry.
# None of this needs the real daemons.

load helpers

REAPER=$WHARF_BUILDDIR/tools/wharf-reaper
CHECK=$WHARF_SRCDIR/tools/check-introspect

setup() {
        T=$(mktemp -d /tmp/wharf-tools.XXXXXX)
}

teardown() {
        [ -n "${T:-}" ] || return 0
        if [ -d "$T/state" ]; then "$STACK" stop --state "$T/state" >/dev/null 2>&1 || true; fi
        if [ -d "$T/fx" ]; then fixtures_registry_stop "$T/fx"; fi
        rm -rf "$T"
}

child_states() {        # states of the children of $1
        local p
        for p in $(pgrep -P "$1"); do
                sed 's/.*) //; s/ .*//' "/proc/$p/stat" 2>/dev/null
        done
}

@test "reaper: exits with the command's status, 128+signal when killed" {
        run "$REAPER" sh -c 'exit 5'
        [ "$status" -eq 5 ]
        run "$REAPER" sh -c 'kill -TERM $$'
        [ "$status" -eq 143 ]
        run -127 "$REAPER" /nonexistent/program
}

@test "reaper: reaps orphaned grandchildren" {
        "$REAPER" sh -c '(sleep 0.2 &) ; sleep 3' 3>&- &
        local pid=$!
        sleep 1.5
        # the orphaned sleep exited at 0.2 s: it must not be a zombie
        local states
        states=$(child_states "$pid")
        echo "children of the reaper: $states"
        if grep -q Z <<< "$states"; then echo "zombie left"; false; fi
        grep -q S <<< "$states"         # the main child still runs
        wait "$pid"
}

@test "reaper: forwards SIGTERM to the command" {
        "$REAPER" sleep 100 3>&- &
        local pid=$! rc=0
        sleep 0.3
        kill -TERM "$pid"
        wait "$pid" || rc=$?
        [ "$rc" -eq 143 ]
}

# A build tree whose daemons are scripts recording how they were started.
fake_builddir() {
        local b=$T/build d bin
        mkdir -p "$b/tools" "$b/cli"
        ln -s "$REAPER" "$b/tools/wharf-reaper"
        for bin in wharfd/wharfd graphd/wharf-graphd registryd/wharf-registryd execd/wharf-execd netd/wharf-netd; do
                mkdir -p "$b/services/${bin%/*}"
                cat > "$b/services/$bin" <<EOF
#!/bin/sh
echo "\$0 \$* BUS=\$DBUS_SYSTEM_BUS_ADDRESS" >> $T/started
echo "fake daemon stderr" >&2
exit 1
EOF
                chmod +x "$b/services/$bin"
        done
        echo "$b"
}

@test "stack: start prints only the export line; activation runs the build tree's daemon with --state" {
        local b s=$T/state
        b=$(fake_builddir)
        run --separate-stderr "$STACK" start --state "$s" --builddir "$b"
        echo "$output / $stderr"
        [ "$status" -eq 0 ]
        [ "$output" = "export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$s/bus" ]
        [ -S "$s/bus" ]
        local n
        for n in Engine1 Graph1 Registry1 Exec1 Net1; do
                grep -qx "Name=org.wharf.$n" "$s/services/org.wharf.$n.service"
        done
        run "$STACK" status --state "$s"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(grep -c inactive <<< "$output")" -eq 5 ]

        # calling a name activates the daemon from the build tree
        run busctl --address="unix:path=$s/bus" --timeout=10 call org.wharf.Graph1 /org/wharf/Graph1 \
                org.freedesktop.DBus.Peer Ping
        [ "$status" -ne 0 ]
        cat "$T/started"
        # (dbus-daemon appends the bus guid to the address it passes on)
        grep -qxE "$b/services/graphd/wharf-graphd --state $s BUS=unix:path=$s/bus(,guid=[0-9a-f]+)?" "$T/started"
        grep -q "fake daemon stderr" "$s/logs/graphd.log"

        run "$STACK" stop --state "$s"
        [ "$status" -eq 0 ]
        [ ! -S "$s/bus" ]
        run "$STACK" status --state "$s"
        [ "$status" -eq 3 ]
}

@test "stack: WHARF_DEBUG adds --debug" {
        local b s=$T/state
        b=$(fake_builddir)
        WHARF_DEBUG=1 "$STACK" start --state "$s" --builddir "$b" >/dev/null
        grep -q -- "--state $s --debug 2>>" "$s/services/org.wharf.Exec1.service"
}

@test "stack: stop ends container processes and unmounts everything under the state dir" {
        local b s=$T/state pid
        b=$(fake_builddir)
        "$STACK" start --state "$s" --builddir "$b" >/dev/null
        # what a crashed stack could leave: a process inside the state dir,
        # one pointing at it, stacked mounts, a netns pin
        mkdir -p "$s/lib/graph/c1/merged" "$s/run/net"
        mount -t tmpfs wharf-test "$s/lib/graph/c1/merged"
        mkdir "$s/lib/graph/c1/merged/proc"
        mount -t tmpfs wharf-test "$s/lib/graph/c1/merged/proc"
        touch "$s/run/net/ns1"
        unshare --net mount --bind /proc/self/ns/net "$s/run/net/ns1"
        # setsid(1) execs in place (a background job is no group leader): $! is the process
        local pids=()
        (cd "$s/lib/graph/c1/merged" && exec setsid sleep 300) </dev/null >/dev/null 2>&1 3>&- &
        pids+=($!)
        setsid sh -c 'while :; do sleep 1; done' "$s/x" </dev/null >/dev/null 2>&1 3>&- &
        pids+=($!)
        sleep 0.3
        [ -n "$("$STACK" mounts --state "$s")" ]
        pgrep -f "while :; do sleep 1; done $s/x"
        kill -0 "${pids[@]}"

        run "$STACK" stop --state "$s"
        echo "$output"
        [ "$status" -eq 0 ]
        [ -z "$("$STACK" mounts --state "$s")" ]
        if grep -F "$s" /proc/self/mountinfo; then echo "still mounted"; false; fi
        # no live process (zombies of PID 1 do not count) refers to the dir
        local p st
        # (only this test's processes: other files run "sleep 300" containers meanwhile)
        for p in "${pids[@]}"; do
                st=$(sed 's/.*) //; s/ .*//' "/proc/$p/stat" 2>/dev/null) || continue
                [ "$st" = Z ] || { echo "still running: $p"; false; }
        done
        # idempotent
        run "$STACK" stop --state "$s"
        [ "$status" -eq 0 ]
        run "$STACK" stop --state "$T/never-started"
        [ "$status" -eq 0 ]
}

@test "stack: usage errors" {
        run "$STACK" start
        [ "$status" -ne 0 ]
        [[ $output =~ --state ]]
        run "$STACK" start --state "$T/s" --builddir "$T/no-build"
        [ "$status" -ne 0 ]
        [[ $output =~ missing ]]
}

@test "check-introspect: accepts the contract, rejects any difference" {
        local p=$WHARF_SRCDIR/proto/org.wharf.Graph1.xml
        run "$CHECK" "$p" "$p"
        [ "$status" -eq 0 ]
        # renamed argument
        sed 's/name="force"/name="forced"/' "$p" > "$T/a.xml"
        run "$CHECK" "$p" "$T/a.xml"
        echo "$output"
        [ "$status" -eq 1 ]
        [[ $output =~ forced ]]
        # changed type, missing method, swapped direction, missing signal
        sed 's/<property name="Version" type="s"/<property name="Version" type="u"/' "$p" > "$T/b.xml"
        run "$CHECK" "$p" "$T/b.xml"; [ "$status" -eq 1 ]
        sed '/<method name="HasLayer">/,/<\/method>/d' "$p" > "$T/c.xml"
        run "$CHECK" "$p" "$T/c.xml"; [ "$status" -eq 1 ]
        sed '0,/direction="in"/s/direction="in"/direction="out"/' "$p" > "$T/d.xml"
        run "$CHECK" "$p" "$T/d.xml"; [ "$status" -eq 1 ]
        sed '/<signal name="IngestDone">/,/<\/signal>/d' "$p" > "$T/e.xml"
        run "$CHECK" "$p" "$T/e.xml"; [ "$status" -eq 1 ]
        # extra members are differences too
        sed 's|<property name="Version"|<method name="Extra"/><property name="Version"|' "$p" > "$T/f.xml"
        run "$CHECK" "$p" "$T/f.xml"; [ "$status" -eq 1 ]
        # another interface entirely
        run "$CHECK" "$p" "$WHARF_SRCDIR/proto/org.wharf.Net1.xml"
        [ "$status" -eq 1 ]
        [[ $output =~ missing ]]
        # annotations and standard interfaces are ignored
        sed 's|<property name="Version" type="s" access="read"/>|<property name="Version" type="s" access="read"><annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="const"/></property>|' "$p" > "$T/g.xml"
        run "$CHECK" "$p" "$T/g.xml"
        [ "$status" -eq 0 ]
}

@test "fixtures: the image build is reproducible" {
        fixtures_build "$T/a" >/dev/null
        fixtures_build "$T/b" >/dev/null
        diff "$T/a/images.env" "$T/b/images.env"
        diff <(ls "$T/a/images/blobs/sha256") <(ls "$T/b/images/blobs/sha256")
        # the busybox layer holds what the tests rely on
        local layer
        layer=$(sed -n 's/^BUSYBOX_LAYER=sha256://p' "$T/a/images.env")
        run tar -tzf "$T/a/images/blobs/sha256/$layer"
        local f
        for f in bin/busybox bin/sh bin/echo bin/true bin/false bin/cat bin/ls bin/env bin/hostname \
                 bin/id bin/pwd bin/sleep bin/test 'bin/[' etc/passwd etc/group tmp/; do
                printf '%s\n' "${lines[@]}" | grep -qxF "$f" || { echo "$f missing"; false; }
        done
}

@test "fixtures: registry serves the pushed images; the tampered blob does not match" {
        fixtures_setup "$T/fx" >/dev/null
        . "$T/fx/env"
        [[ $REGISTRY =~ ^127\.0\.0\.1:[0-9]+$ ]]
        run fixtures_curl -f "http://$REGISTRY/v2/_catalog"
        [[ $output =~ library/busybox ]]
        [[ $output =~ library/whiteout ]]
        [[ $output =~ library/ocibox ]]
        # schema2 manifest by tag, with the expected digest
        run fixtures_curl -f -D - -o /dev/null \
                -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                "http://$REGISTRY/v2/library/busybox/manifests/latest"
        [[ $output =~ $BUSYBOX_DIGEST ]]
        # the OCI index lists arm64 first, then amd64
        run fixtures_curl -f -H 'Accept: application/vnd.oci.image.index.v1+json' \
                "http://$REGISTRY/v2/library/ocibox/manifests/latest"
        [ "$(jq -r '[.manifests[].platform.architecture] | join(",")' <<< "$output")" = arm64,amd64 ]
        # layer content matches its digest, except the tampered one
        [ "sha256:$(fixtures_curl -f "http://$REGISTRY/v2/library/busybox/blobs/$BUSYBOX_LAYER" | sha256sum | cut -d' ' -f1)" = "$BUSYBOX_LAYER" ]
        [ "sha256:$(fixtures_curl -f "http://$REGISTRY/v2/library/tampered/blobs/$TAMPERED_LAYER" | sha256sum | cut -d' ' -f1)" != "$TAMPERED_LAYER" ]
        local pid=$REGISTRY_PID
        fixtures_registry_stop "$T/fx"
        if kill -0 "$pid" 2>/dev/null; then echo "registry still running"; false; fi
        if fixtures_curl -f "http://$REGISTRY/v2/" 2>/dev/null; then echo "registry still answers"; false; fi
}
