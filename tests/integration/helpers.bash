# Shared helpers for the integration tests (bats >= 1.5).
#
#   load helpers
#   setup_file()    { wharf_setup_file; }        # or: wharf_setup_file --big
#   teardown_file() { wharf_teardown_file; }
#   teardown()      { wharf_teardown; }          # logs on failure
#
# wharf_setup_file makes a temp dir, builds the fixture images, starts a
# private docker-registry and pushes them, then starts the stack
# (tools/stack) with the build tree $WHARF_BUILDDIR, and exports:
#   WHARF_TMP, STATE (the stack's --state), DBUS_SYSTEM_BUS_ADDRESS,
#   REGISTRY (127.0.0.1:PORT), REGISTRY_PORT, and the fixture ids (see
#   fixtures: BUSYBOX_ID, WHITEOUT_ID, OCIBOX_ID, ...).
# Everything is stopped and removed by wharf_teardown_file, also after a
# failure.

bats_require_minimum_version 1.5.0

WHARF_SRCDIR=${WHARF_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
WHARF_BUILDDIR=${WHARF_BUILDDIR:-$WHARF_SRCDIR}
WHARF_CLI=$WHARF_BUILDDIR/cli/wharf
STACK=$WHARF_SRCDIR/tools/stack
WHARF_TIMEOUT=${WHARF_TIMEOUT:-120}
export WHARF_SRCDIR WHARF_BUILDDIR

# shellcheck source=fixtures
. "$WHARF_SRCDIR/tests/integration/fixtures"

# never talk to a proxy: all traffic is to loopback
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

wharf_fail() {
        echo "# $*" >&3
        echo "$*" >&2
        return 1
}

wharf_setup_file() {
        local big=${1:-}
        [ "$(id -u)" = 0 ] || { wharf_fail "integration tests need root"; return 1; }
        for f in "$WHARF_CLI" "$WHARF_BUILDDIR/tools/wharf-reaper"; do
                [ -x "$f" ] || { wharf_fail "$f missing: build the tree first (make)"; return 1; }
        done
        # short path: the bus socket path must fit in sockaddr_un
        WHARF_TMP=$(mktemp -d /tmp/wharf-it.XXXXXX) || return 1
        export WHARF_TMP STATE=$WHARF_TMP/state
        if ! fixtures_setup "$WHARF_TMP/fixtures" "$big" >"$WHARF_TMP/fixtures.log" 2>&1; then
                cat "$WHARF_TMP/fixtures.log" >&2
                wharf_teardown_file
                wharf_fail "fixtures: could not build images or start the registry"
                return 1
        fi
        set -a
        # shellcheck disable=SC1091
        . "$WHARF_TMP/fixtures/env"
        set +a

        local out
        if ! out=$("$STACK" start --state "$STATE" --builddir "$WHARF_BUILDDIR" 2>"$WHARF_TMP/stack.log"); then
                cat "$WHARF_TMP/stack.log" >&2
                wharf_teardown_file
                wharf_fail "tools/stack start failed"
                return 1
        fi
        [ "$out" = "export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$STATE/bus" ] ||
                { wharf_teardown_file; wharf_fail "tools/stack start printed: $out"; return 1; }
        eval "$out"

        # The engine must come up on activation; otherwise every test would
        # wait for the activation timeout in turn. Fail the file at once.
        if ! busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" --timeout=30 call org.wharf.Engine1 \
                /org/wharf/Engine1 org.freedesktop.DBus.Peer Ping >"$WHARF_TMP/ping.log" 2>&1; then
                cat "$WHARF_TMP/ping.log" >&2
                tail -n 20 "$STATE"/logs/*.log >&2
                wharf_teardown_file
                wharf_fail "wharfd (org.wharf.Engine1) could not be activated on the stack's bus"
                return 1
        fi
}

wharf_teardown_file() {
        [ -n "${WHARF_TMP:-}" ] && [ -d "$WHARF_TMP" ] || return 0
        local rc=0
        if [ -n "${STATE:-}" ] && [ -d "$STATE" ]; then
                "$STACK" stop --state "$STATE" >&2 || rc=1
        fi
        fixtures_registry_stop "$WHARF_TMP/fixtures"
        if [ -n "${WHARF_KEEP:-}" ]; then
                echo "# kept $WHARF_TMP" >&3
        else
                rm -rf "$WHARF_TMP"
        fi
        return $rc
}

# After a failed test, show what the daemons said.
wharf_teardown() {
        if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${STATE:-}" ]; then
                local f
                for f in "$STATE"/logs/*.log; do
                        [ -s "$f" ] || continue
                        echo "--- ${f##*/} (last 15 lines)"
                        tail -n 15 "$f"
                done
                "$STACK" status --state "$STATE" 2>&1 || true
                "$STACK" ps --state "$STATE" 2>&1 || true
        fi
}

# The CLI, bounded in time, stdin from /dev/null unless redirected.
wharf() {
        timeout -k 5 "$WHARF_TIMEOUT" "$WHARF_CLI" "$@"
}

# wait_bounded PID [SECONDS]: wait for a background job of ours started
# without the timeout of wharf() (a signal must reach the CLI itself), at
# most SECONDS (default 60): its exit status, or 124 once it was killed.
wait_bounded() {
        local pid=$1 limit=${2:-60} i st
        for ((i = 0; i < limit * 10; i++)); do
                st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || break
                [ "$st" = Z ] && break
                sleep 0.1
        done
        if [ "$i" -ge $((limit * 10)) ]; then
                echo "pid $pid still running after ${limit}s: killed"
                kill -9 "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null
                return 124
        fi
        wait "$pid"
}

# Show a run's result (bats prints it when the test fails).
show_run() {
        echo "\$ wharf ${*}"
        echo "status: $status"
        echo "stdout: ${output}"
        echo "stderr: ${stderr:-}"
}

# run the CLI, capture status, stdout ($output/$lines) and stderr ($stderr);
# an optional first -N is the expected status (as bats' run -N)
wrun() {
        local expect=()
        [[ ${1:-} =~ ^-[0-9]+$ ]] && { expect=("$1"); shift; }
        run "${expect[@]}" --separate-stderr wharf "$@" </dev/null
        show_run "$@"
}

assert_status() {
        [ "$status" -eq "$1" ] || { echo "expected exit status $1, got $status"; return 1; }
}
assert_failure() {
        [ "$status" -ne 0 ] || { echo "expected a non-zero exit status"; return 1; }
}
assert_output() {
        [ "$output" = "$1" ] || { printf 'expected stdout: %q\n     got stdout: %q\n' "$1" "$output"; return 1; }
}
assert_output_matches() {
        [[ $output =~ $1 ]] || { echo "stdout does not match /$1/"; return 1; }
}
refute_output_matches() {
        ! [[ $output =~ $1 ]] || { echo "stdout matches /$1/ but should not"; return 1; }
}
assert_stderr_matches() {
        [[ ${stderr:-} =~ $1 ]] || { echo "stderr does not match /$1/"; return 1; }
}
# exactly one non-empty line on stderr (the error), nothing else
assert_one_error_line() {
        local n
        n=$(printf '%s\n' "${stderr:-}" | grep -c .)
        [ "$n" -eq 1 ] || { echo "expected exactly one line on stderr, got $n"; return 1; }
}

# image listing helpers (wharf images: REPOSITORY TAG IMAGE ID ...)
images_has() {          # images_has REPO TAG
        wharf images | awk -v r="$1" -v t="$2" 'NR > 1 && $1 == r && $2 == t { found = 1 } END { exit !found }'
}

# short image id as docker shows it: 12 hex of the config digest
short_id() { local id=${1#sha256:}; echo "${id:0:12}"; }

# Pull an image, failing the test on error.
wharf_pull_ok() {
        run --separate-stderr wharf pull "$1" </dev/null
        [ "$status" -eq 0 ] || { show_run pull "$1"; return 1; }
}

# Layers and partial state of the graph store.
graph_layers() { ls -A "$STATE/lib/graph/layers" 2>/dev/null | LC_ALL=C sort || true; }
graph_tmp() { ls -A "$STATE/lib/graph/tmp" 2>/dev/null || true; }
# tmp empties: graphd deletes what a container or an image released on a
# worker after answering, so wait for it (bounded, 10 s)
assert_graph_tmp_empty() {
        local i
        for ((i = 0; i < 100; i++)); do [ -z "$(graph_tmp)" ] && return 0; sleep 0.1; done
        echo "lib/graph/tmp not empty:"; graph_tmp
        return 1
}

# --- leak check --------------------------------------------------------------

# pid of the owner of a wharf bus name (Graph1 or org.wharf.Graph1; empty
# when none), never activating it
name_pid() {
        local name=$1 out
        [[ $name == org.* ]] || name=org.wharf.$name
        out=$(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" --timeout=5 call org.freedesktop.DBus \
                /org/freedesktop/DBus org.freedesktop.DBus GetConnectionUnixProcessID s "$name" 2>/dev/null) &&
                echo "${out#u }"
}

# pids of the daemons (owners of the wharf names), without activating them
daemon_pids() {
        local n
        for n in Engine1 Graph1 Registry1 Exec1 Net1; do
                name_pid "$n" || true
        done
}

# kill -9 the given daemons (Engine1 Graph1 ...), wait until they are gone
# (a zombie counts as gone: PID 1 here may never reap it)
kill_daemons() {
        local n p pids=()
        for n in "$@"; do
                p=$(name_pid "$n") && [ -n "$p" ] && pids+=("$p")
        done
        [ ${#pids[@]} -gt 0 ] || return 0
        kill -9 "${pids[@]}"
        for _ in $(seq 100); do
                local alive=0
                for p in "${pids[@]}"; do
                        [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] || [ ! -e "/proc/$p" ] || alive=1
                done
                [ $alive = 0 ] && return 0
                sleep 0.1
        done
        echo "daemons did not die: ${pids[*]}"
        return 1
}

# mawk has no {n,} repetition
HEX12='[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'

# Per-container mounts under STATE (overlay rootfs, netns pins, anything
# under a path naming a container id) as seen by us and by each daemon.
leaked_mounts() {
        local p
        for p in self $(daemon_pids); do
                awk -v dir="$STATE" -v hex="$HEX12" '{
                        mp = $5
                        for (i = 6; i <= NF; i++) if ($i == "-") { fstype = $(i + 1); break }
                        if (mp != dir && index(mp, dir "/") != 1) next
                        if (fstype == "overlay" || fstype == "nsfs" || mp ~ hex)
                                print fstype, mp
                }' "/proc/$p/mountinfo" 2>/dev/null || true
        done | sort -u
}

# Processes of the stack other than dbus-daemon and the daemons, zombies excluded.
leaked_processes() { "$STACK" ps --state "$STATE" --extra || true; }

# Runtime files naming a container (netns pins, exec state) under run/exec and run/net.
leaked_files() {
        find "$STATE/run/exec" "$STATE/run/net" -mindepth 1 -regextype egrep \
                -regex '.*/[^/]*[0-9a-f]{12,}[^/]*' 2>/dev/null || true
}

# Assert that no container is left behind (waits up to $1 s, default 10,
# for teardown to finish).
assert_no_leaks() {
        local deadline=$((SECONDS + ${1:-10})) m p f
        while :; do
                m=$(leaked_mounts); p=$(leaked_processes); f=$(leaked_files)
                [ -z "$m$p$f" ] && return 0
                [ "$SECONDS" -lt "$deadline" ] || break
                sleep 0.2
        done
        [ -z "$m" ] || printf 'leaked mounts:\n%s\n' "$m"
        [ -z "$p" ] || printf 'leaked processes:\n%s\n' "$p"
        [ -z "$f" ] || printf 'leaked files:\n%s\n' "$f"
        return 1
}

# All container records gone: `wharf ps -a` shows only its header.
assert_no_containers() {
        run --separate-stderr wharf ps -a </dev/null
        [ "$status" -eq 0 ] || { show_run ps -a; return 1; }
        [ "${#lines[@]}" -le 1 ] || { echo "containers left:"; printf '%s\n' "${lines[@]}"; return 1; }
}
