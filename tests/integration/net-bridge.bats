#!/usr/bin/env bats
# Networks: bridges, NAT, published ports, DNS, modes, bad input, leaks.
#
# The whole stack (and the fixture registry) runs inside a network
# namespace this file creates ("the host", $NS); a second namespace ($PEER)
# joined to it by a veth pair on 198.51.100.0/24 is "another host". All
# traffic stays inside these two namespaces and their loopbacks; both are
# removed at the end.

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
        export NS=wharf-net-$$ PEER=wharf-peer-$$
        ip netns add "$NS" && ip netns add "$PEER" || return 1
        ip -n "$NS" link set lo up && ip -n "$PEER" link set lo up || return 1
        ip -n "$NS" link add wpeer0 type veth peer name wpeer1 netns "$PEER" || return 1
        ip -n "$NS" addr add $PEER_HOST/24 dev wpeer0 && ip -n "$NS" link set wpeer0 up || return 1
        ip -n "$PEER" addr add $PEER_CLIENT/24 dev wpeer1 && ip -n "$PEER" link set wpeer1 up || return 1

        WHARF_TMP=$(mktemp -d /tmp/wharf-net.XXXXXX) || return 1
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
        if ! out=$(in_host "$STACK" start --state "$STATE" --builddir "$WHARF_BUILDDIR" 2>"$WHARF_TMP/stack.log"); then
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
        wharf run --rm --network bridge "$IMG" true || { teardown_file; wharf_fail "first bridge run failed"; return 1; }
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

@test "net: default bridge: address, route, MAC from the IP, hosts/hostname/resolv.conf" {
        local before; before=$(net_counts)
        wrun run --rm --network bridge --hostname box1 "$IMG" sh -c \
                'ip -o -4 addr show dev eth0; ip -o link show dev eth0; ip route; cat /etc/hostname /etc/hosts /etc/resolv.conf'
        assert_status 0
        assert_output_matches 'inet 172\.17\.0\.([0-9]+)/16'
        local ip=${BASH_REMATCH[0]#inet }; ip=${ip%/16}
        local last=${ip##*.}
        assert_output_matches "link/ether 02:42:ac:11:00:$(printf %02x "$last")"
        assert_output_matches 'default via 172\.17\.0\.1 dev eth0'
        assert_output_matches "$(printf '%s\tbox1' "$ip")"
        assert_output_matches $'\nbox1\n'
        # the default bridge has no embedded DNS: the host's resolvers
        refute_output_matches 'nameserver 172\.17\.0\.1'
        ip -n "$NS" link show wharf0 >/dev/null
        wait_gone box1
        assert_net_counts "$before"
}

@test "net: network create, ls, inspect (docker's shape), rm" {
        wrun network create --subnet 10.89.0.0/24 --label team=a shape1
        assert_status 0
        assert_output_matches '^[0-9a-f]{64}$'
        local id=$output
        wrun network ls
        assert_output_matches "${id:0:12} +shape1 +bridge +local"
        assert_output_matches 'bridge +bridge +local'
        assert_output_matches 'host +host +local'
        assert_output_matches 'none +null +local'
        wrun network inspect shape1
        assert_status 0
        jq -e --arg id "$id" '.[0] | .Id == $id and .Name == "shape1" and .Driver == "bridge" and .Scope == "local"
                and .IPAM.Config[0].Subnet == "10.89.0.0/24" and .IPAM.Config[0].Gateway == "10.89.0.1"
                and .Internal == false and .Labels.team == "a" and .Containers == {}' <<<"$output"
        # the top-level inspect finds networks too (after containers and images)
        wrun inspect -f '{{.Name}} {{.Driver}}' shape1
        assert_status 0
        assert_output "shape1 bridge"
        wrun inspect --type network -f '{{.Id}}' shape1
        assert_output "$id"
        wrun -1 inspect --type image shape1
        assert_stderr_matches 'No such image: shape1'
        ip -n "$NS" -o addr show "br-${id:0:12}" | grep -q 'inet 10\.89\.0\.1/24'
        wrun network rm shape1
        assert_status 0
        ! ip -n "$NS" link show "br-${id:0:12}" 2>/dev/null
        wrun -1 network inspect shape1
        assert_stderr_matches 'network shape1 not found'
}

@test "net: user network: ping and TCP by IP, by name and by alias, DNS on the gateway" {
        wharf network create --subnet 10.90.0.0/24 appnet
        local before; before=$(net_counts)
        bg_run srv --network appnet --network-alias web --ip 10.90.0.50 "$IMG" sh -c \
                'for i in 1 2 3; do nc -l -p 7000 -e echo pong; done'
        wait_running srv
        wrun run --rm --network appnet "$IMG" sh -c \
                'cat /etc/resolv.conf; nslookup srv; ping -c1 -W5 10.90.0.50 && ping -c1 -W5 srv && ping -c1 -W5 web'
        assert_status 0
        assert_output_matches 'nameserver 10\.90\.0\.1'
        assert_output_matches 'Address: 10\.90\.0\.50'
        retry_until pong wharf run --rm --network appnet "$IMG" nc -w 3 10.90.0.50 7000
        retry_until pong wharf run --rm --network appnet "$IMG" nc -w 3 srv 7000
        retry_until pong wharf run --rm --network appnet "$IMG" nc -w 3 web 7000
        wait_gone srv
        assert_net_counts "$before"
        wharf network rm appnet
}

# The container counts datagrams to closed ports (/proc/net/snmp, per
# namespace: busybox has no UDP server) and says when one arrived.
UDP_WAIT='while :; do set -- $(grep "^Udp: [0-9]" /proc/net/snmp); [ "$3" -gt 0 ] && break; sleep 0.2; done; echo udp-arrived'

send_udp_until() {       # send_udp_until NSNAME ADDR PORT OUTFILE
        local i
        for i in $(seq 100); do
                ip netns exec "$1" bash -c "echo hello > /dev/udp/$2/$3" 2>/dev/null || true
                grep -q udp-arrived "$4" && return 0
                sleep 0.2
        done
        echo "no datagram reached the container"; cat "$4"; return 1
}

@test "net: published TCP and UDP ports from the host's loopback and from another host" {
        local before; before=$(net_counts)
        bg_run pub --network bridge -p 8080:7000 -p 127.0.0.1:8081:7001/udp "$IMG" sh -c \
                'i=0; while [ $i -lt 6 ]; do nc -l -p 7000 -e echo tcp-ok; i=$((i+1)); done'
        wait_running pub
        wrun port pub
        assert_output_matches '7000/tcp -> 0\.0\.0\.0:8080'
        assert_output_matches '7001/udp -> 127\.0\.0\.1:8081'
        wrun port pub 7000
        assert_output "0.0.0.0:8080"
        retry_until tcp-ok in_host busybox nc -w 3 127.0.0.1 8080
        retry_until tcp-ok in_host busybox nc -w 3 $PEER_HOST 8080
        retry_until tcp-ok in_peer busybox nc -w 3 $PEER_HOST 8080
        # the host port is taken while pub runs
        wrun run --rm --network bridge -p 8080:7000 "$IMG" true
        assert_status 125
        assert_stderr_matches 'port is already allocated'
        assert_one_error_line
        wharf rm -f pub >/dev/null
        wait_gone pub

        bg_run udp1 --network bridge -p 127.0.0.1:8081:7001/udp "$IMG" sh -c "$UDP_WAIT"
        wait_running udp1
        send_udp_until "$NS" 127.0.0.1 8081 "$WHARF_TMP/udp1.out"
        wait_gone udp1
        bg_run udp2 --network bridge -p 8082:7001/udp "$IMG" sh -c "$UDP_WAIT"
        wait_running udp2
        send_udp_until "$PEER" $PEER_HOST 8082 "$WHARF_TMP/udp2.out"
        wait_gone udp2
        assert_net_counts "$before"
}

@test "net: -p with an ephemeral host port, shown by wharf port" {
        bg_run eph --network bridge -p 7002 "$IMG" sleep 30
        wait_running eph
        wrun port eph
        assert_output_matches '^7002/tcp -> 0\.0\.0\.0:[0-9]+$'
        [ "${output##*:}" -gt 0 ]
        wharf rm -f eph >/dev/null
        wait_gone eph
}

@test "net: outbound NAT reaches another host; --internal reaches nothing outside" {
        wrun run --rm --network bridge "$IMG" ping -c1 -W5 $PEER_CLIENT
        assert_status 0
        wharf network create --internal --subnet 10.91.0.0/24 sealed
        wrun run --rm --network sealed "$IMG" sh -c "ip route; ping -c1 -W2 $PEER_CLIENT"
        assert_failure
        refute_output_matches 'default via'
        # nor the host's own addresses, nor another network
        wrun run --rm --network sealed "$IMG" ping -c1 -W2 10.91.0.1
        assert_status 0
        wrun run --rm --network sealed "$IMG" ping -c1 -W2 $PEER_HOST
        assert_failure
        wharf network rm sealed
}

@test "net: none, host and container: modes" {
        wrun run --rm --network none "$IMG" ip -o link
        assert_status 0
        assert_output_matches '^1: lo'
        [ "${#lines[@]}" -eq 1 ]

        wrun run --rm --network host "$IMG" ip -o -4 addr
        assert_status 0
        assert_output_matches "inet $PEER_HOST/24"

        bg_run base --network bridge "$IMG" sleep 30
        wait_running base
        wrun run --rm --network container:base "$IMG" ip -o -4 addr show dev eth0
        assert_status 0
        assert_output_matches 'inet 172\.17\.'
        wrun run --rm --network container:nosuch "$IMG" true
        assert_status 125
        assert_one_error_line
        wharf rm -f base >/dev/null
        wait_gone base
}

@test "net: connect and disconnect a running container" {
        wharf network create --subnet 10.92.0.0/24 side
        bg_run hop --network bridge "$IMG" sleep 30
        wait_running hop
        wrun network connect --alias hopper side hop
        assert_status 0
        wrun network inspect side
        jq -e '.[0].Containers | to_entries | length == 1 and .[0].value.Name == "hop"
                and (.[0].value.IPv4Address | startswith("10.92.0."))' <<<"$output"
        wrun run --rm --network side "$IMG" nslookup hopper
        assert_status 0
        assert_output_matches 'Address: 10\.92\.0\.'
        wrun -1 network rm side
        assert_stderr_matches 'has active endpoints'
        wrun network disconnect side hop
        assert_status 0
        wrun network inspect side
        jq -e '.[0].Containers == {}' <<<"$output"
        wharf rm -f hop >/dev/null
        wait_gone hop
        wharf network rm side
}

@test "net: bad input is refused and leaves nothing behind" {
        wharf network create --subnet 10.93.0.0/24 good
        local before; before=$(net_counts)
        wrun -1 network create --subnet 10.93.0.0/25 overlap
        assert_stderr_matches 'Pool overlaps'
        assert_one_error_line
        wrun -1 network create --subnet 10.93.0.0/33 badcidr
        assert_stderr_matches 'invalid CIDR address: 10\.93\.0\.0/33'
        wrun -1 network create --subnet 10.94.0.5/24 hostbits
        assert_stderr_matches 'it should be 10\.94\.0\.0/24'
        wrun -1 network create --subnet 10.94.0.0/24 --gateway 10.95.0.1 badgw
        assert_stderr_matches 'no matching subnet for gateway'
        wrun -1 network create good
        assert_stderr_matches 'already exists'
        wrun run --rm --network good --ip 10.99.0.5 "$IMG" true
        assert_status 125
        assert_stderr_matches 'does not belong to the subnet'
        assert_one_error_line
        wrun run --rm --network nosuchnet "$IMG" true
        assert_status 125
        assert_stderr_matches 'network nosuchnet not found'
        wrun run --rm -p 99999:80 "$IMG" true
        assert_status 125
        assert_stderr_matches 'Invalid hostPort: 99999'
        wrun run --rm --add-host nocolon "$IMG" true
        assert_status 125
        wrun -1 network rm bridge
        assert_stderr_matches 'pre-defined network'
        wrun network ls -q
        [ "${#lines[@]}" -eq 4 ]
        assert_net_counts "$before"
        wharf network rm good
}

@test "net: --ip, --mac-address, --dns, --add-host" {
        wharf network create --subnet 10.96.0.0/24 opts
        wrun run --rm --network opts --ip 10.96.0.77 --mac-address 92:d0:c6:0a:29:33 --dns 10.96.0.200 \
                --add-host db.local:10.96.0.9 "$IMG" sh -c 'ip -o -4 addr show eth0; ip -o link show eth0; cat /etc/resolv.conf /etc/hosts'
        assert_status 0
        assert_output_matches 'inet 10\.96\.0\.77/24'
        assert_output_matches 'link/ether 92:d0:c6:0a:29:33'
        assert_output_matches 'nameserver 10\.96\.0\.200'
        assert_output_matches $'10\\.96\\.0\\.9\tdb\\.local'
        wharf network rm opts
}

@test "net: netd restart keeps leases of running containers, and prune" {
        wharf network create --subnet 10.97.0.0/24 keep
        wharf network create --subnet 10.98.0.0/24 unused
        bg_run kept --network keep "$IMG" sleep 30
        wait_running kept
        local before; before=$(net_counts)
        local pid
        pid=$(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
                GetConnectionUnixProcessID s org.wharf.Net1 | cut -d' ' -f2)
        [ -n "$pid" ]
        kill "$pid"
        # the next call activates netd again, which reconciles with the kernel
        retry_until 'kept' wharf network inspect keep
        assert_net_counts "$before"
        # a second container gets another address
        wrun run --rm --network keep "$IMG" ip -o -4 addr show eth0
        assert_output_matches 'inet 10\.97\.0\.3/24'
        wrun network prune -f
        assert_output_matches 'unused'
        refute_output_matches 'keep'
        wharf rm -f kept >/dev/null
        wait_gone kept
        wharf network rm keep
}
