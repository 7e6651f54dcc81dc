#!/usr/bin/env bats
# Networks, issue 7's later gaps: the default network is docker's bridge,
# connect/disconnect of a container that does not run, hairpin to published
# ports, --internal with published ports, netd killed with a container.
#
# As net-bridge.bats: the stack (started with --default-network bridge)
# and the fixture registry run inside a network namespace this file
# creates ("the host", $NS); a second one ($PEER), joined by a veth pair on
# 198.51.100.0/24, is "another host". Traffic stays inside these two and
# their loopbacks; both are removed at the end.

load helpers
load net

PEER_HOST=198.51.100.1
PEER_CLIENT=198.51.100.2

# run in the stack's namespaces (its mount namespace holds the netns pins)
in_stack() {
        nsenter -t "$(cat "$STATE/reaper.pid")" -m -n -- "$@"
}
in_host() { ip netns exec "$NS" "$@"; }
in_peer() { ip netns exec "$PEER" "$@"; }

setup_file() {
        [ "$(id -u)" = 0 ] || { wharf_fail "integration tests need root"; return 1; }
        command -v nft >/dev/null || { wharf_fail "nft missing (Debian package nftables)"; return 1; }
        export NS=wharf-ngap-$$ PEER=wharf-npeer-$$
        ip netns add "$NS" && ip netns add "$PEER" || return 1
        ip -n "$NS" link set lo up && ip -n "$PEER" link set lo up || return 1
        ip -n "$NS" link add wpeer0 type veth peer name wpeer1 netns "$PEER" || return 1
        ip -n "$NS" addr add $PEER_HOST/24 dev wpeer0 && ip -n "$NS" link set wpeer0 up || return 1
        ip -n "$PEER" addr add $PEER_CLIENT/24 dev wpeer1 && ip -n "$PEER" link set wpeer1 up || return 1

        WHARF_TMP=$(mktemp -d /tmp/wharf-ngap.XXXXXX) || return 1
        export WHARF_TMP STATE=$WHARF_TMP/state
        if ! in_host bash -c '. "$1"; fixtures_setup "$2"' _ "$WHARF_SRCDIR/tests/integration/fixtures" \
                "$WHARF_TMP/fixtures" >"$WHARF_TMP/fixtures.log" 2>&1; then
                cat "$WHARF_TMP/fixtures.log" >&2
                teardown_file
                wharf_fail "fixtures: could not build images or start the registry"
                return 1
        fi
        set -a
        # shellcheck disable=SC1091
        . "$WHARF_TMP/fixtures/env"
        set +a
        local out
        if ! out=$(in_host "$STACK" start --state "$STATE" --builddir "$WHARF_BUILDDIR" --default-network bridge 2>"$WHARF_TMP/stack.log"); then
                cat "$WHARF_TMP/stack.log" >&2
                teardown_file
                wharf_fail "tools/stack start failed"
                return 1
        fi
        eval "$out"
        export IMG=$REGISTRY/library/busybox
        wharf pull "$IMG" >/dev/null || { teardown_file; wharf_fail "pull failed"; return 1; }
        # the default bridge is made on first use and stays (as docker0):
        # make it now, so that the counts of each test compare like with like
        wharf run --rm "$IMG" true || { teardown_file; wharf_fail "first bridge run failed"; return 1; }
}

teardown_file() {
        if [ -n "${STATE:-}" ] && [ -r "$STATE/reaper.pid" ]; then
                in_stack "$STACK" stop --state "$STATE" >&2 || true
        fi
        [ -n "${WHARF_TMP:-}" ] && fixtures_registry_stop "$WHARF_TMP/fixtures" 2>/dev/null
        [ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
        [ -n "${PEER:-}" ] && ip netns del "$PEER" 2>/dev/null
        [ -n "${WHARF_TMP:-}" ] && [ -z "${WHARF_KEEP:-}" ] && rm -rf "$WHARF_TMP"
        return 0
}

teardown() {
        # background containers of a failed test must not outlive it
        local j
        for j in $(jobs -p); do kill "$j" 2>/dev/null; done
        wharf_teardown
}


# a container in the background; its output goes to $WHARF_TMP/$name.out
bg_run() {
        local name=$1; shift
        timeout -k 5 "$WHARF_TIMEOUT" "$WHARF_CLI" run --rm --name "$name" "$@" \
                </dev/null >"$WHARF_TMP/$name.out" 2>&1 3>&- &
}

# until the container's sandbox is up (it shows in `wharf port`/settings)
wait_running() {
        local i
        for i in $(seq 300); do
                wharf ps | grep -qw "$1" && return 0
                sleep 0.1
        done
        echo "container $1 did not start"; cat "$WHARF_TMP/$1.out"; return 1
}

wait_gone() {
        local i
        for i in $(seq 300); do
                wharf ps -a | grep -qw "$1" || return 0
                sleep 0.1
        done
        echo "container $1 still there"; return 1
}

# retries a client until its output matches (the server may not listen yet)
retry_until() {
        local pattern=$1 i out; shift
        for i in $(seq 50); do
                out=$("$@" 2>&1) || true
                [[ $out =~ $pattern ]] && return 0
                sleep 0.2
        done
        echo "never got /$pattern/ from $*; last: $out"
        return 1
}


@test "net-gaps: without --network a container is on the default bridge; no DNS there, DNS on user networks" {
        local before; before=$(net_counts)
        wrun run --rm "$IMG" sh -c 'ip -o -4 addr show dev eth0; ip route; cat /proc/net/dev'
        assert_status 0
        assert_output_matches 'eth0 +inet 172\.17\.0\.[0-9]+/16'
        assert_output_matches 'default via 172\.17\.0\.1 dev eth0'
        assert_output_matches 'eth0:'
        wrun inspect -f '{{.HostConfig.NetworkMode}}' "$(wharf create "$IMG" true)"
        assert_output bridge
        wharf rm "$(wharf ps -aq | head -1)" >/dev/null

        bg_run dflt1 "$IMG" sleep 30
        wait_running dflt1
        # docker's default bridge: no name resolution between containers
        wrun run --rm "$IMG" sh -c 'ping -c1 -W2 dflt1'
        assert_failure
        assert_stderr_matches 'bad address'
        wharf rm -f dflt1 >/dev/null
        wait_gone dflt1

        wharf network create --subnet 10.81.0.0/24 named
        bg_run usr1 --network named "$IMG" sleep 30
        wait_running usr1
        wrun run --rm --network named "$IMG" ping -c1 -W5 usr1
        assert_status 0
        assert_output_matches '10\.81\.0\.2'
        wharf rm -f usr1 >/dev/null
        wait_gone usr1
        wharf network rm named
        assert_net_counts "$before"
}

@test "net-gaps: connect and disconnect a created and an exited container, applied at its start" {
        wharf network create --subnet 10.82.0.0/24 late
        local before; before=$(net_counts)
        local id; id=$(wharf create --name cc "$IMG" sh -c 'ip -o -4 addr show | grep -v " lo "; cat /etc/hosts')
        wrun network connect --alias lateone --ip 10.82.0.40 late cc
        assert_status 0
        # nothing runs yet: no endpoint in the kernel, none in inspect
        assert_net_counts "$before"
        wrun -1 network connect late cc
        assert_stderr_matches 'endpoint with name cc already exists in network late'
        assert_one_error_line
        wrun -1 network connect nosuchnet cc
        assert_stderr_matches 'network nosuchnet not found'
        wrun start -a cc
        assert_status 0
        assert_output_matches 'eth0 +inet 172\.17\.0\.[0-9]+/16'
        assert_output_matches 'eth1 +inet 10\.82\.0\.40/24'
        assert_output_matches $'10\\.82\\.0\\.40\t'
        assert_net_counts "$before"

        # exited: leave the default bridge, keep late
        wrun network disconnect bridge cc
        assert_status 0
        wrun -1 network disconnect bridge cc
        assert_stderr_matches "container $id is not connected to network bridge"
        wrun start -a cc
        assert_status 0
        refute_output_matches '172\.17\.'
        assert_output_matches 'eth0 +inet 10\.82\.0\.40/24'
        # and leave late too: only the loopback is left
        wrun network disconnect late cc
        assert_status 0
        wrun start -a cc
        assert_status 0
        refute_output_matches 'inet '
        wharf network connect bridge cc
        wrun start -a cc
        assert_output_matches 'eth0 +inet 172\.17\.0\.[0-9]+/16'
        wharf rm cc >/dev/null
        assert_net_counts "$before"

        # --network none/host cannot be connected (docker's messages)
        wharf create --name nonet --network none "$IMG" true >/dev/null
        wrun -1 network connect late nonet
        assert_stderr_matches 'private \(none\) mode'
        wharf rm nonet >/dev/null
        wharf network rm late
}

@test "net-gaps: run with several --network: the first is eth0, the others follow; docker's errors" {
        wharf network create --subnet 10.87.0.0/24 multa
        wharf network create --subnet 10.88.0.0/24 multb
        local before; before=$(net_counts)
        wrun run --rm --name mn --network multa --network multb "$IMG" sh -c \
                'ip -o -4 addr show | grep -v " lo "; ip route show default; ping -c1 -W2 10.88.0.1 >/dev/null && echo ping-b'
        assert_status 0
        assert_output_matches 'eth0 +inet 10\.87\.0\.[0-9]+/24'
        assert_output_matches 'eth1 +inet 10\.88\.0\.[0-9]+/24'
        assert_output_matches 'default via 10\.87\.0\.1 dev eth0'
        assert_output_matches 'ping-b'
        # the advanced form: per-network addresses (and aliases) on both
        wrun run --rm --network name=multa,ip=10.87.0.66,alias=pa --network name=multb,ip=10.88.0.77,alias=pb \
                "$IMG" sh -c 'ip -o -4 addr show | grep -v " lo "'
        assert_status 0
        assert_output_matches 'eth0 +inet 10\.87\.0\.66/24'
        assert_output_matches 'eth1 +inet 10\.88\.0\.77/24'
        wrun -125 run --rm --network name=multa,colour=red "$IMG" true
        assert_stderr_matches 'invalid field key colour'
        # create as well, the other way round
        wrun create --name mc --network multb --network multa "$IMG" sh -c 'ip -o -4 addr show | grep -v " lo "'
        assert_status 0
        wrun start -a mc
        assert_status 0
        assert_output_matches 'eth0 +inet 10\.88\.0\.[0-9]+/24'
        assert_output_matches 'eth1 +inet 10\.87\.0\.[0-9]+/24'
        wharf rm mc >/dev/null
        assert_net_counts "$before"

        wrun -125 run --rm --network multa --network multa "$IMG" true
        assert_stderr_matches 'network "multa" is specified multiple times'
        wrun -125 run --rm --network multa --network bridge "$IMG" true
        assert_stderr_matches 'conflicting options: cannot attach both user-defined and non-user-defined network-modes'
        wrun -125 run --rm --name mx --network multa --network nosuchnet "$IMG" true
        assert_stderr_matches 'network nosuchnet not found'
        assert_one_error_line
        wrun -125 run --rm --network bridge --network none "$IMG" true
        assert_stderr_matches 'container cannot be connected to multiple networks with one of the networks in private \(none\) mode'
        wrun -125 run --rm --network bridge --network host "$IMG" true
        assert_stderr_matches 'container cannot be disconnected from host network or connected to host network'
        wrun ps -aq
        assert_output ""
        assert_net_counts "$before"
        wharf network rm multa multb
}

@test "net-gaps: a connect made while running holds across a restart" {
        wharf network create --subnet 10.83.0.0/24 stays
        local before; before=$(net_counts)
        # first start: waits; the next ones (the rootfs keeps /ran) print and exit
        wharf create --name rr "$IMG" sh -c '[ -e /ran ] && exec ip -o -4 addr show; touch /ran; sleep 60' >/dev/null
        wharf start rr >/dev/null
        wait_running rr
        wrun network connect stays rr
        assert_status 0
        wrun network inspect stays
        jq -e '.[0].Containers | length == 1' <<<"$output"
        wharf kill rr >/dev/null
        wrun start -a rr
        assert_status 0
        assert_output_matches 'eth0 +inet 172\.17\.'
        assert_output_matches 'eth1 +inet 10\.83\.0\.2/24'
        wharf rm rr >/dev/null
        assert_net_counts "$before"
        wharf network rm stays
}

@test "net-gaps: hairpin: a container reaches its own and a sibling's published port through host addresses" {
        local before; before=$(net_counts)
        # serves on 7000 and, meanwhile, reaches itself through the host's address
        bg_run hp -p 8085:7000 "$IMG" sh -c \
                'while :; do nc -l -p 7000 -e echo hairpin-ok; done &
                 for i in $(seq 50); do out=$(nc -w 3 '$PEER_HOST' 8085) && [ "$out" = hairpin-ok ] && break; sleep 0.2; done
                 echo "self: $out"; sleep 60'
        wait_running hp
        # the bridge port of every container is in hairpin mode
        ip -n "$NS" -d link show master wharf0 | grep -q 'hairpin on'
        ! ip -n "$NS" -d link show master wharf0 | grep -q 'hairpin off'
        retry_until 'self: hairpin-ok' cat "$WHARF_TMP/hp.out"
        # a sibling on the same bridge, through the host's address and the gateway's
        retry_until hairpin-ok wharf run --rm "$IMG" nc -w 3 $PEER_HOST 8085
        retry_until hairpin-ok wharf run --rm "$IMG" nc -w 3 172.17.0.1 8085
        # a container on another network, through the host's address
        wharf network create --subnet 10.84.0.0/24 other
        retry_until hairpin-ok wharf run --rm --network other "$IMG" nc -w 3 $PEER_HOST 8085
        # the host's network (as the host itself) through 127.0.0.1
        retry_until hairpin-ok wharf run --rm --network host "$IMG" nc -w 3 127.0.0.1 8085
        wharf rm -f hp >/dev/null
        wait_gone hp
        wharf network rm other
        assert_net_counts "$before"
}

@test "net-gaps: ports of a container on an --internal network are not published (as docker)" {
        wharf network create --internal --subnet 10.85.0.0/24 inner
        local before; before=$(net_counts)
        bg_run shut --network inner -p 8086:7000 -p 7001 "$IMG" sh -c 'nc -l -p 7000 -e echo leaked; sleep 30'
        wait_running shut
        wrun port shut
        assert_status 0
        assert_output ""
        # no DNAT for it
        ! in_host nft list table ip wharf | grep -q 'dport 8086'
        # nothing holds the host port: another container publishes it
        wrun run --rm -p 8086:7000 "$IMG" true
        assert_status 0
        # and nothing reaches the internal container through it
        run in_host busybox nc -w 2 127.0.0.1 8086
        refute_output_matches leaked
        wharf rm -f shut >/dev/null
        wait_gone shut
        assert_net_counts "$before"
        wharf network rm inner
}

@test "net-gaps: netd and a container's monitor killed: nothing of it is left, a running one keeps its own" {
        wharf network create --subnet 10.86.0.0/24 crash
        bg_run alive --network crash -p 8087:7000 "$IMG" sleep 60
        wait_running alive
        local before; before=$(net_counts)
        bg_run doomed --network crash -p 8088:7000 "$IMG" sleep 60
        wait_running doomed
        local pid monitor netd
        pid=$(wharf inspect -f '{{.State.Pid}}' doomed)
        [ "$pid" -gt 0 ]
        monitor=$(awk '{print $4}' "/proc/$pid/stat")
        netd=$(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
                GetConnectionUnixProcessID s org.wharf.Net1 | cut -d' ' -f2)
        [ -n "$netd" ] && [ -n "$monitor" ]
        kill -9 "$netd" "$monitor" "$pid"
        wait_gone doomed
        # the next call activates netd again: it reconciles with the kernel
        retry_until 'alive' wharf network inspect crash
        assert_net_counts "$before"
        # alive kept its address, its port and its DNS name
        wrun port alive
        assert_output_matches '7000/tcp -> 0\.0\.0\.0:8087'
        wrun run --rm --network crash "$IMG" ping -c1 -W5 alive
        assert_status 0
        # and the doomed one's port is free again
        wrun run --rm -p 8088:7000 "$IMG" true
        assert_status 0
        wharf rm -f alive >/dev/null
        wait_gone alive
        wharf network rm crash
}
