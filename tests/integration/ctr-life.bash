# Helpers of the ctr-life-*.bats files (container lifecycle, issue 4).
# shellcheck shell=bash

BB() { echo "$REGISTRY/library/busybox"; }

kill_all_daemons() { kill_daemons Engine1 Graph1 Registry1 Exec1 Net1; }

# create NAME ARGS...: a container, its full id in $CID
create_ctr() {
        local name=$1; shift
        run --separate-stderr wharf create --name "$name" "$@" </dev/null
        [ "$status" -eq 0 ] || { show_run create --name "$name" "$@"; return 1; }
        CID=${lines[-1]}
        [[ $CID =~ ^[0-9a-f]{64}$ ]] || { echo "bad id: $CID"; return 1; }
}

# start NAME..., detached
start_ctr() {
        run --separate-stderr wharf start "$@" </dev/null
        [ "$status" -eq 0 ] || { show_run start "$@"; return 1; }
}

# inspect_f CONTAINER FORMAT: the value, in $output
inspect_f() {
        run --separate-stderr wharf inspect -f "$2" "$1" </dev/null
        [ "$status" -eq 0 ] || { show_run inspect -f "$2" "$1"; return 1; }
}

# wait_state CONTAINER STATE [SECONDS]: until inspect shows it
wait_state() {
        local deadline=$((SECONDS + ${3:-30})) s
        while :; do
                s=$(wharf inspect -f '{{.State.Status}}' "$1" 2>/dev/null </dev/null)
                [ "$s" = "$2" ] && return 0
                [ "$SECONDS" -lt "$deadline" ] || { echo "$1: state '$s', expected '$2'"; return 1; }
                sleep 0.2
        done
}

# set_restart_policy CONTAINER-ID NAME [MAX]: as --restart stores it
# (HostConfig.RestartPolicy in container.json), written while wharfd is
# down; the next call activates it again.
set_restart_policy() {
        local f=$STATE/lib/engine/containers/$1/container.json
        kill_daemons Engine1 || return 1
        jq --arg n "$2" --argjson m "${3:-0}" '.HostConfig.RestartPolicy = {Name: $n, MaximumRetryCount: $m}' \
                "$f" > "$f.new" && mv "$f.new" "$f"
}

# remove every container (forced), then the leak check
cleanup_ctrs() {
        local ids
        ids=$(wharf ps -aq --no-trunc </dev/null) || return 1
        # shellcheck disable=SC2086
        [ -z "$ids" ] || wharf rm -f $ids >/dev/null </dev/null || return 1
        assert_no_containers && assert_no_leaks 15
}

# skip when execd does not implement an Exec1 method yet (error text)
skip_unless_exec_method() {
        if [[ ${stderr:-} =~ Unknown\ method\ $1 ]]; then
                skip "execd does not implement Exec1.$1 yet"
        fi
}
