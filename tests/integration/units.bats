#!/usr/bin/env bats
# units/: the systemd units pass `systemd-analyze verify`, the D-Bus
# activation files match them, and dbus-daemon accepts the bus policy and
# enforces it (root may call, others may not).

UNITS="wharfd wharf-graphd wharf-registryd wharf-execd wharf-netd"
NAMES="Engine1 Graph1 Registry1 Exec1 Net1"

setup() {
        : "${WHARF_SRCDIR:?run through make check}" "${WHARF_BUILDDIR:?run through make check}"
        TMP=$(mktemp -d /tmp/wharf-units-XXXXXX)
        chmod 755 "$TMP"        # the unprivileged callers reach the bus socket
        PIDS=()
}

teardown() {
        for p in "${PIDS[@]}"; do
                kill "$p" 2>/dev/null || true
        done
        # our children: reap them (a zombie would still answer kill -0);
        # the forked dbus-daemons are not: wait until they are gone
        # (only those: a bare wait would also wait for bats' test timer)
        [ ${#PIDS[@]} -eq 0 ] || wait "${PIDS[@]}" 2>/dev/null || true
        for p in "${PIDS[@]}"; do
                for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        done
        [ -z "$TMP" ] || ! grep -q " $TMP" /proc/mounts || umount -R -l "$TMP" 2>/dev/null || true
        rm -rf "$TMP"
}

# the build tree's binary for an installed name
built_binary() {
        case "$1" in
        wharfd) echo "$WHARF_BUILDDIR/services/wharfd/wharfd" ;;
        wharf-*) echo "$WHARF_BUILDDIR/services/${1#wharf-}/$1" ;;
        esac
}

# a copy of the generated unit that runs the build tree's binary
unit_for_verify() {
        local u=$1 exec
        exec=$(sed -n 's/^ExecStart=//p' "$WHARF_BUILDDIR/units/$u.service")
        sed -e "s|^ExecStart=.*|ExecStart=$(built_binary "$(basename "$exec")")|" \
                "$WHARF_BUILDDIR/units/$u.service" > "$TMP/$u.service"
        echo "$TMP/$u.service"
}

# a bus configured like Debian's system bus (deny by default) plus policies
start_bus() {
        local f
        {
                echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"'
                echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
                echo '<busconfig><type>system</type>'
                echo "<listen>unix:path=$TMP/bus</listen><auth>EXTERNAL</auth>"
                echo '<policy context="default"><allow user="*"/><deny own="*"/>'
                echo '<deny send_type="method_call"/><allow send_type="signal"/>'
                echo '<allow send_requested_reply="true" send_type="method_return"/>'
                echo '<allow send_requested_reply="true" send_type="error"/>'
                echo '<allow receive_type="method_call"/><allow receive_type="method_return"/>'
                echo '<allow receive_type="error"/><allow receive_type="signal"/>'
                echo '<allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>'
                echo '<allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>'
                echo '<allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>'
                echo '</policy>'
                for f in "$@"; do echo "<include>$f</include>"; done
                echo '</busconfig>'
        } > "$TMP/bus.conf"
        # 3>&-: a daemon holding bats' fd 3 would keep bats waiting. (It
        # warns about the group "wharf" where there is none: not an error.)
        local pid
        pid=$(dbus-daemon --config-file="$TMP/bus.conf" --fork --print-pid --nosyslog \
                2>"$TMP/bus.err" 3>&-) || { cat "$TMP/bus.err"; return 1; }
        [[ "$pid" =~ ^[0-9]+$ ]]
        PIDS+=("$pid")
        [ -S "$TMP/bus" ]
}

@test "units are generated with the install path of the daemons" {
        for u in $UNITS; do
                f="$WHARF_BUILDDIR/units/$u.service"
                [ -f "$f" ]
                run grep -c '@[a-z_]*@' "$f"
                [ "$output" = 0 ]
                run sed -n 's/^ExecStart=//p' "$f"
                [ "$status" -eq 0 ]
                [[ "$output" = /*/"$u" ]]
                grep -qx 'Type=dbus' "$f"
        done
}

@test "systemd-analyze verify passes on every unit, without warnings" {
        for u in $UNITS; do
                [ -x "$(built_binary "$u")" ]
                f=$(unit_for_verify "$u")
                run systemd-analyze verify --man=no "$f"
                echo "$u: $output"
                [ "$status" -eq 0 ]
                [ -z "$output" ]
        done
}

@test "verify catches a broken unit (the check above can fail)" {
        f=$(unit_for_verify wharf-netd)
        sed -i 's/^NoNewPrivileges=yes/NoNewPrivileges=yes\nNoSuchSetting=1/' "$f"
        run systemd-analyze verify --man=no "$f"
        [[ "$output" == *NoSuchSetting* ]]
        f=$(unit_for_verify wharfd)
        sed -i "s|^ExecStart=.*|ExecStart=$TMP/missing-binary|" "$f"
        run systemd-analyze verify --man=no "$f"
        [ "$status" -ne 0 ]
}

@test "sandboxing: capabilities and kill mode per daemon" {
        d="$WHARF_BUILDDIR/units"
        grep -qx 'CapabilityBoundingSet=' "$d/wharfd.service"
        grep -qx 'RestrictAddressFamilies=AF_UNIX' "$d/wharfd.service"
        grep -qx 'CapabilityBoundingSet=CAP_SETUID CAP_SETGID' "$d/wharf-registryd.service"
        grep -qx 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' "$d/wharf-registryd.service"
        grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_SYS_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE' \
                "$d/wharf-netd.service"
        grep -qx 'KillMode=process' "$d/wharf-execd.service"
        ! grep -q '^CapabilityBoundingSet=' "$d/wharf-execd.service"
        ! grep -q '^NoNewPrivileges=' "$d/wharf-execd.service"
        # their mounts must be seen by the host and by execd
        for u in wharf-graphd wharf-netd wharf-execd; do
                run grep -E '^(PrivateMounts|PrivateTmp|ProtectSystem|ProtectHome|PrivateDevices|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ReadOnlyPaths|ReadWritePaths|InaccessiblePaths|TemporaryFileSystem|BindPaths|MountFlags)=' "$d/$u.service"
                echo "$u: $output"
                [ "$status" -eq 1 ]
        done
        for u in $UNITS; do
                grep -qx 'RuntimeDirectory=wharf' "$d/$u.service"
                grep -qx 'RuntimeDirectoryPreserve=yes' "$d/$u.service"
                grep -qx 'StateDirectory=wharf' "$d/$u.service"
        done
}

@test "activation files name the bus name of the unit they start" {
        for n in $NAMES; do
                f="$WHARF_SRCDIR/units/org.wharf.$n.service"
                grep -qx '\[D-BUS Service\]' "$f"
                grep -qx "Name=org.wharf.$n" "$f"
                grep -qx 'User=root' "$f"
                grep -qx 'Exec=/bin/false' "$f"
                unit=$(sed -n 's/^SystemdService=//p' "$f")
                [ -n "$unit" ]
                grep -qx "BusName=org.wharf.$n" "$WHARF_BUILDDIR/units/$unit"
        done
}

@test "bus policy files are well-formed and dbus-daemon accepts them" {
        policies=()
        for n in $NAMES; do
                f="$WHARF_SRCDIR/units/org.wharf.$n.conf"
                if command -v xmllint >/dev/null; then
                        run xmllint --noout "$f"
                        [ "$status" -eq 0 ]
                        [ -z "$output" ]
                fi
                policies+=("$f")
        done
        start_bus "${policies[@]}"

        # and a broken one is refused
        printf '<busconfig><policy user="root"><allow own="x"></policy></busconfig>\n' > "$TMP/bad.conf"
        sed "s|</busconfig>|<include>$TMP/bad.conf</include></busconfig>|" "$TMP/bus.conf" > "$TMP/bad-bus.conf"
        sed -i "s|$TMP/bus<|$TMP/bad-bus<|" "$TMP/bad-bus.conf"
        run dbus-daemon --config-file="$TMP/bad-bus.conf" --fork --print-pid --nosyslog 3>&-
        [[ "$output" =~ ^[0-9]+$ ]] && PIDS+=("$output")
        [ "$status" -ne 0 ]
        [ ! -S "$TMP/bad-bus" ]
}

# hold a bus name as the given user (root, or nobody with extra setpriv args)
hold_name() {
        local name=$1 out="$TMP/hold-$1.out"
        shift
        DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/bus" "$@" \
                "$WHARF_BUILDDIR/tests/integration/bus-name-holder" "$name" >"$out" 2>&1 3>&- &
        PIDS+=("$!")
        for i in $(seq 50); do
                grep -q owned "$out" && return 0
                kill -0 "$!" 2>/dev/null || break
                sleep 0.1
        done
        cat "$out"
        return 1
}

as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

ping_name() {
        busctl --address="unix:path=$TMP/bus" call "$1" / org.freedesktop.DBus.Peer Ping
}

@test "bus policy: root owns and calls Net1, nobody may neither" {
        [ "$(id -u)" -eq 0 ] || skip "needs root"
        start_bus "$WHARF_SRCDIR/units/org.wharf.Net1.conf"
        addr="unix:path=$TMP/bus"

        # nobody cannot take the name
        run hold_name org.wharf.Net1 setpriv --reuid=65534 --regid=65534 --clear-groups
        echo "nobody owning: $output"
        [ "$status" -ne 0 ]

        # the real daemon, as root, can
        DBUS_SYSTEM_BUS_ADDRESS=$addr "$WHARF_BUILDDIR/services/netd/wharf-netd" \
                --state "$TMP/state" 2>"$TMP/netd.log" 3>&- &
        PIDS+=("$!")
        for i in $(seq 50); do
                busctl --address="$addr" status org.wharf.Net1 >/dev/null 2>&1 && break
                sleep 0.1
        done

        run busctl --address="$addr" call org.wharf.Net1 /org/wharf/Net1 org.wharf.Net1 ListSandboxes
        echo "root: $output"
        [ "$status" -eq 0 ]
        [ "$output" = "a(ss) 0" ]

        run as_nobody busctl --address="$addr" call org.wharf.Net1 /org/wharf/Net1 org.wharf.Net1 ListSandboxes
        echo "nobody: $output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"ccess denied"* ]]

        run as_nobody busctl --address="$addr" get-property org.wharf.Net1 /org/wharf/Net1 org.wharf.Net1 Version
        [ "$status" -ne 0 ]
        [[ "$output" == *"ccess denied"* ]]
}

@test "bus policy: the wharf group may call the Engine, and only the Engine" {
        [ "$(id -u)" -eq 0 ] || skip "needs root"
        policies=("$WHARF_SRCDIR"/units/org.wharf.*.conf)
        group=wharf
        if ! getent group wharf >/dev/null; then
                # no such group here: check the same policy with a group that exists
                group=daemon
                sed 's/group="wharf"/group="daemon"/' "$WHARF_SRCDIR/units/org.wharf.Engine1.conf" \
                        > "$TMP/engine.conf"
                grep -q 'group="daemon"' "$TMP/engine.conf"
                policies=("$TMP/engine.conf" "$WHARF_SRCDIR"/units/org.wharf.{Graph1,Registry1,Exec1,Net1}.conf)
        fi
        gid=$(getent group "$group" | cut -d: -f3)
        [ -n "$gid" ]
        start_bus "${policies[@]}"

        for n in Engine1 Graph1 Registry1 Exec1 Net1; do
                hold_name "org.wharf.$n"
                # root may call every one
                run ping_name "org.wharf.$n"
                echo "root -> $n: $output"
                [ "$status" -eq 0 ]
                # nobody, outside the group, none
                run as_nobody busctl --address="unix:path=$TMP/bus" call "org.wharf.$n" / \
                        org.freedesktop.DBus.Peer Ping
                echo "nobody -> $n: $output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"ccess denied"* ]]
                # the group: the Engine only
                run setpriv --reuid=65534 --regid=65534 --groups="$gid" \
                        busctl --address="unix:path=$TMP/bus" call "org.wharf.$n" / \
                        org.freedesktop.DBus.Peer Ping
                echo "group $group -> $n: $output"
                if [ "$n" = Engine1 ]; then
                        [ "$status" -eq 0 ]
                else
                        [ "$status" -ne 0 ]
                        [[ "$output" == *"ccess denied"* ]]
                fi
        done
}
