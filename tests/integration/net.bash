# Shared by the network test files (net-bridge.bats, net-gaps.bats): the
# kernel and netd state a container's network leaves behind. The files
# define NS (the stack's test host), STATE, in_host and in_stack.

# Host veths of sandboxes already removed: the kernel takes them down with
# their namespace, a moment after netd's answer.
dying_veths() {
        local v pins
        pins=$(in_stack ls "$STATE/run/net/netns" 2>/dev/null | cut -c1-10)
        for v in $(ip -n "$NS" -o link show type veth | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
                [[ $v =~ ^wh([0-9a-f]{10})[0-9a-f]{2}$ ]] || continue
                grep -qx "${BASH_REMATCH[1]}" <<< "$pins" || echo "$v"
        done
}

# What must come back to where it was: veths, address leases, rules of
# wharf's nft table, pinned network namespaces. Dying veths are waited for
# (bounded, 10 s); one still there then is counted, as a leak.
net_counts() {
        local veths leases rules pins i
        for ((i = 0; i < 50; i++)); do [ -z "$(dying_veths)" ] && break; sleep 0.2; done
        veths=$(ip -n "$NS" -o link show type veth | grep -vc wpeer0)
        leases=$(in_stack find "$STATE/run/net/leases" -type f 2>/dev/null | wc -l)
        rules=$(in_host nft -a list table ip wharf 2>/dev/null | grep -c '# handle [0-9]*$' | tr -d ' ')
        pins=$(in_stack grep -c " $STATE/run/net/netns/[0-9a-f]" /proc/self/mountinfo)
        echo "veths=$veths leases=$leases rules=$rules pins=$pins"
}

# The counts are back to $1. netd answers RemoveSandbox before the kernel
# has taken the veth down, so wait for it (bounded, 10 s).
assert_net_counts() {
        local i now
        for ((i = 0; i < 50; i++)); do
                now=$(net_counts)
                [ "$now" = "$1" ] && return 0
                sleep 0.2
        done
        echo "$1 -> $now"
        return 1
}
