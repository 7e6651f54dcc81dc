# Helpers for the execd-level runtime tests (exec-*.bats): wharf-execd alone
# on a private bus, containers in a busybox rootfs, driven by
# services/execd/exec-run-helper. Root only; the tests skip otherwise.

exec_setup_file() {
        export BUILD="${WHARF_BUILDDIR:-$BATS_TEST_DIRNAME/../..}"
        export EXECD="$BUILD/services/execd/wharf-execd"
        export HELPER="$BUILD/services/execd/exec-run-helper"
        [ "$(id -u)" = 0 ] && [ -x /bin/busybox ] && [ -x "$EXECD" ] && [ -x "$HELPER" ] || return 0

        export T="$(mktemp -d /tmp/wharf-exrt.XXXXXX)"
        mkdir -p "$T/rootfs/bin" "$T/state"
        cp /bin/busybox "$T/rootfs/bin/"
        for c in sh echo true false cat ls hostname sleep grep id readlink mkdir tty tail head \
                 stty wc tr ps kill; do
                ln -s busybox "$T/rootfs/bin/$c"
        done
        dbus-daemon --session --fork --print-pid --address="unix:path=$T/bus" > "$T/bus.pid" 3>&-
        export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus"
        busctl --system monitor --match "type='signal',interface='org.wharf.Exec1'" > "$T/signals" 2>&1 3>&- &
        echo $! > "$T/monitor.pid"
        exec_start_execd
}

exec_start_execd() {
        "$EXECD" --state "$T/state" --debug >> "$T/execd.log" 2>&1 3>&- &
        echo $! > "$T/execd.pid"
        for _ in $(seq 50); do
                busctl --system status org.wharf.Exec1 >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        cat "$T/execd.log" >&2
        return 1
}

exec_teardown_file() {
        [ -n "${T:-}" ] && [ -d "$T" ] || return 0
        local rc=0 f id init mon
        # containers a failed test left running: thaw, end them by pid
        for f in "$T"/state/run/exec/*/state; do
                [ -f "$f" ] || continue
                id=$(basename "$(dirname "$f")")
                [ -f "$(dirname "$f")/exit" ] && continue
                exec1 Resume s "$id" >/dev/null 2>&1 || true
                init=$(sed -n 's/^init=//p' "$f")
                [ -n "$init" ] && kill -9 "$init" 2>/dev/null || true
        done
        for p in execd monitor bus; do
                [ -f "$T/$p.pid" ] && kill "$(cat "$T/$p.pid")" 2>/dev/null || true
        done
        sleep 0.3
        for f in "$T"/state/run/exec/*/state; do
                [ -f "$f" ] || continue
                mon=$(sed -n 's/^monitor=//p' "$f")
                if [ -n "$mon" ] && kill -0 "$mon" 2>/dev/null && grep -q wharf-monitor "/proc/$mon/cmdline" 2>/dev/null; then
                        echo "monitor $mon left behind" >&2
                        kill -9 "$mon" 2>/dev/null || true
                        rc=1
                fi
        done
        ! grep -q "$T" /proc/mounts || { echo "mount left behind" >&2; rc=1; }
        rm -rf "$T"
        return $rc
}

exec_setup() {
        [ -n "${T:-}" ] || skip "needs root, /bin/busybox (busybox-static) and a build"
}

# spec ARGS_JSON [EXTRA_JSON_MEMBERS] [PROCESS_EXTRA] > file
xspec() {
        cat <<JSON
{"ociVersion":"1.0.2",
 "process":{"args":$1,"env":["PATH=/bin","HOME=/"],"cwd":"/"${3:+,$3}},
 "root":{"path":"$T/rootfs"},
 "hostname":"wharftest"${2:+,$2},
 "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"},{"type":"cgroup"}]${LINUX_EXTRA:+,$LINUX_EXTRA}}}
JSON
}

# xrun ID ARGS_JSON [EXTRA] [PROCESS_EXTRA]: run and wait; sets $status, $out, $err
xrun() {
        xspec "$2" "${3:-}" "${4:-}" > "$T/$1.json"
        status=0
        "$HELPER" --wait "$1" "$T/$1.json" > "$T/$1.out" 2> "$T/$1.err" < /dev/null || status=$?
        out="$(cat "$T/$1.out")"
        err="$(cat "$T/$1.err")"
}

# xstart ID ARGS_JSON [EXTRA] [PROCESS_EXTRA]: start in the background, prints nothing
xstart() {
        xspec "$2" "${3:-}" "${4:-}" > "$T/$1.json"
        "$HELPER" "$1" "$T/$1.json" > "$T/$1.out" 2> "$T/$1.err" < /dev/null 3>&-
        xstate "$1" pid > "$T/$1.pid"
}

# xstate ID [FIELD]: GetState's status (default) or pid, code, oom, started, finished
xstate() {
        local out
        out=$(exec1 GetState s "$1") || return 1
        set -- $out "${2:-status}"
        case "${8}" in
        status) echo "${2//\"/}" ;; pid) echo "$3" ;; code) echo "$4" ;; oom) echo "$5" ;;
        started) echo "$6" ;; finished) echo "$7" ;;
        esac
}

exec1() {
        busctl --system call org.wharf.Exec1 /org/wharf/Exec1 org.wharf.Exec1 "$@"
}

# wait_stopped ID: until GetState says stopped (bounded)
wait_stopped() {
        for _ in $(seq 100); do
                [ "$(xstate "$1")" = stopped ] && return 0
                sleep 0.1
        done
        return 1
}

# no cgroup directory of the container may remain
assert_no_cgroup() {
        local left
        left=$(find /sys/fs/cgroup -type d -path "*/wharf/$1" 2>/dev/null)
        [ -z "$left" ] || { echo "cgroup left behind: $left"; return 1; }
}
