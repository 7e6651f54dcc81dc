#!/usr/bin/env bats
# The daemons' bus interfaces match the contracts in proto/ (methods, args
# with names, types and directions, signals, properties).

load helpers

setup_file() { wharf_setup_file; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

check() {       # check NAME (Engine1, Graph1, ...) [INTERFACE]
        run "$WHARF_SRCDIR/tools/check-introspect" --address "$DBUS_SYSTEM_BUS_ADDRESS" \
                --dest "org.wharf.$1" --object "/org/wharf/$1" \
                "$WHARF_SRCDIR/proto/org.wharf.$1.xml" ${2:+"$2"}
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "org.wharf.Engine1 (wharfd) matches proto/" { check Engine1 org.wharf.Engine1; }
@test "org.wharf.Graph1 (graphd) matches proto/" { check Graph1; }
@test "org.wharf.Registry1 (registryd) matches proto/" { check Registry1; }
@test "org.wharf.Exec1 (execd) matches proto/" { check Exec1; }
@test "org.wharf.Net1 (netd) matches proto/" { check Net1; }

@test "org.wharf.Engine1.Job on a live job matches proto/" {
        local gpid pullpid path="" i p
        wharf images >/dev/null </dev/null    # activates wharfd and graphd
        gpid=$(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus GetConnectionUnixProcessID s org.wharf.Graph1 | cut -d' ' -f2)
        [ -n "$gpid" ]
        # a pull job cannot finish while graphd is stopped
        kill -STOP "$gpid"
        wharf pull "$REGISTRY/library/busybox" >/dev/null 2>&1 </dev/null &
        pullpid=$!
        for ((i = 0; i < 50; i++)); do
                [ -z "$path" ] || break
                sleep 0.2
                path=$(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" --list tree org.wharf.Engine1 2>/dev/null |
                        grep -m1 '^/org/wharf/Engine1/job/') || path=""
                # without a node enumerator: probe the first job numbers
                if [ -z "$path" ]; then
                        for p in $(seq 0 20); do
                                if busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" introspect org.wharf.Engine1 \
                                        "/org/wharf/Engine1/job/$p" org.wharf.Engine1.Job >/dev/null 2>&1; then
                                        path=/org/wharf/Engine1/job/$p; break
                                fi
                        done
                fi
        done
        local rc=0
        if [ -n "$path" ]; then
                run "$WHARF_SRCDIR/tools/check-introspect" --address "$DBUS_SYSTEM_BUS_ADDRESS" \
                        --dest org.wharf.Engine1 --object "$path" \
                        "$WHARF_SRCDIR/proto/org.wharf.Engine1.xml" org.wharf.Engine1.Job
                echo "$output"
                rc=$status
        fi
        kill -CONT "$gpid"
        wait "$pullpid" || { echo "the pull failed after graphd resumed"; false; }
        [ -n "$path" ] || { echo "no job object found under /org/wharf/Engine1/job"; false; }
        [ "$rc" -eq 0 ]
}

@test "properties: Version is readable on every daemon" {
        local n
        for n in Engine1 Graph1 Registry1 Exec1 Net1; do
                run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property "org.wharf.$n" "/org/wharf/$n" \
                        "org.wharf.$n" Version
                echo "$n: $output"
                [ "$status" -eq 0 ]
                [[ $output =~ ^s\ \"[0-9] ]]
        done
}

@test "the backends refuse a caller that is not root" {
        # nobody may reach the socket, but not call the backends (bus policy: root only)
        chmod o+x "$WHARF_TMP" "$STATE"
        run setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" \
                call org.wharf.Graph1 /org/wharf/Graph1 org.wharf.Graph1 ListImages
        chmod o-x "$WHARF_TMP" "$STATE"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ $output =~ AccessDenied|[Aa]ccess\ denied|rejected ]]
}
