#!/usr/bin/env bash
# bench/profile-run.sh: where the time of a `wharf run --rm` goes, step by step.
#
#   bench/profile-run.sh [-n RUNS] [--strace] [--pull] [--network MODE]
#
# Starts the stack and the busybox fixtures, watches the stack's private bus
# with `dbus-monitor --profile` (timestamps of every message) while it runs
# `wharf run --rm --network none busybox true` RUNS times (default 20), and
# prints, for each step between two consecutive messages of a run, the
# median time and the daemon that was busy (the sender of the later
# message: between a call arriving and its reply, the callee works; between
# a reply and the next call, the caller). With --strace, also a syscall
# summary (strace -c -f) of each daemon over a further RUNS runs. With
# --network bridge, profiles `run --rm --network bridge`. With
# --pull, profiles `wharf pull` of bench/pull.sh's 130 MB image instead
# (rmi between).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARGS=("$@")
RUNS=20 STRACE=0 PULL=0 NETWORK=none
while [ $# -gt 0 ]; do
        case $1 in
        -n) RUNS=$2; shift 2 ;;
        --strace) STRACE=1; shift ;;
        --pull) PULL=1; shift ;;
        --network) NETWORK=$2; shift 2 ;;
        -h|--help) sed -n '2,/^$/{/^$/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "profile-run.sh: unknown argument $1" >&2; exit 2 ;;
        esac
done

bench_init profile "${ARGS[@]}"
if [ $PULL = 1 ]; then
        bench_pull_image
        BUSYBOX=$IMAGE
else
        bench_fixtures
fi
bench_wharf_start
wharf pull "$BUSYBOX" >/dev/null || die "pull failed"
[ $PULL = 1 ] || wharf run --rm --network "$NETWORK" "$BUSYBOX" true || die "run failed"

one() {
        if [ $PULL = 1 ]; then
                wharf rmi "$BUSYBOX" >/dev/null && wharf pull "$BUSYBOX" >/dev/null
        else
                wharf run --rm --network "$NETWORK" "$BUSYBOX" true
        fi
}

# unique bus name -> daemon
NAMES=$WORK/names
for n in Engine1 Graph1 Registry1 Exec1 Net1; do
        busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus GetNameOwner s "org.wharf.$n" 2>/dev/null |
                awk -v n="$n" '{ gsub(/"/, "", $2); print $2, n }'
done > "$NAMES"

dbus-monitor --address "$DBUS_SYSTEM_BUS_ADDRESS" --profile > "$WORK/monitor.txt" 2>&1 &
MON=$!
sleep 0.5
for ((i = 0; i < RUNS; i++)); do
        one || die "run $i failed"
        sleep 0.05      # keeps the runs apart in the trace
done
sleep 0.5
kill "$MON"; wait "$MON" 2>/dev/null

# A run starts with the client's CreateContainer (or, for a pull, the
# PullImage call) and ends with ContainerExited (JobRemoved of the pull).
FIRST=CreateContainer LAST=ContainerExited
[ $PULL = 1 ] && FIRST=Pull LAST=JobRemoved
awk -v names="$NAMES" -v first="$FIRST" -v last="$LAST" -v runs="$RUNS" '
BEGIN {
        while ((getline l < names) > 0) { split(l, a, " "); who[a[1]] = a[2] }
        FS = "\t"
}
function name(u) { if (u ~ /^org\.wharf\./) return substr(u, 11); return (u in who) ? who[u] : "client" }
/^#/ { next }
{
        type = $1; t = $2; serial = $3; snd = $4; dst = $5
        if (snd == "org.freedesktop.DBus" || dst == "org.freedesktop.DBus") next
        if (type == "mc") {
                member = $8
                ev = name(snd) " → " name(dst) "." member
                call[snd "/" serial] = member
        } else if (type == "mr" || type == "err") {
                # reply: name the call it answers
                m = call[dst "/" $6]
                if (m == "") next
                ev = name(snd) " ⇢ " name(dst) " (" m (type == "err" ? " error" : "") " reply)"
        } else if (type == "sig") {
                member = $8
                if (member ~ /^(PropertiesChanged|JobNew|TransferProgress|LogMessage)$/) next
                ev = name(snd) " signal " member
        } else next
        if (type == "mc" && member == first && name(snd) == "client") { inrun = 1; run++; t0 = t; prev = t; delete occ }
        if (!inrun) next
        key = ev (++occ[ev] > 1 ? " #" occ[ev] : "")
        d[key] = d[key] " " (t - prev) * 1000
        at[key] = at[key] " " (t - t0) * 1000
        busy[key] = name(snd)
        prev = t
        if (type == "sig" && member == last) {
                inrun = 0
                total = total " " (t - t0) * 1000
        }
}
function median(s,    a, k, i, j, x) {
        k = split(s, a, " ")
        for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
END {
        printf "| at ms | message (ends the step) | busy in the step | step ms |\n|---:|---|---|---:|\n"
        for (key in d) { keys[++nk] = key; m_at[key] = median(at[key]) }
        for (i = 2; i <= nk; i++) { x = keys[i]; for (j = i - 1; j >= 1 && m_at[keys[j]] > m_at[x]; j--) keys[j + 1] = keys[j]; keys[j + 1] = x }
        for (i = 1; i <= nk; i++) {
                m = median(d[keys[i]])
                printf "| %.2f | %s | %s | %.2f |\n", m_at[keys[i]], keys[i], busy[keys[i]], m
                by[busy[keys[i]]] += m
        }
        printf "\nmedian total (first call to last message): %.1f ms over %d runs\n\nsum of step medians by busy party:", median(total), run
        for (b in by) printf " %s %.1f ms;", b, by[b]
        printf "\n"
}' "$WORK/monitor.txt" | tee "$WORK/report.md"

# the client's own floor: a process that only parses its arguments, and one
# that makes one call to the engine
{
        echo
        echo "client floor (hyperfine, medians):"
        for c in "--help" "ps -q" "images -q"; do
                hyperfine -N --style none --warmup 3 --runs 30 --export-json "$WORK/floor.json" \
                        -- "$WHARF_CLI $c" >/dev/null 2>&1 &&
                        printf -- '- `wharf %s`: %.1f ms\n' "$c" "$(jq '.results[0].median * 1000' "$WORK/floor.json")"
        done
} | tee -a "$WORK/report.md"

if [ $STRACE = 1 ]; then
        say "strace -c -f of each daemon over $RUNS more runs"
        PIDS=()
        while read -r u n; do
                pid=$(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
                        org.freedesktop.DBus GetConnectionUnixProcessID s "$u" | awk '{ print $2 }')
                strace -c -f -w -o "$WORK/strace.$n" -p "$pid" 2>"$WORK/logs/strace.$n.log" &
                PIDS+=($!)
        done < "$NAMES"
        sleep 1
        for ((i = 0; i < RUNS; i++)); do one >/dev/null; done
        kill -INT "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null
        for n in $(awk '{ print $2 }' "$NAMES"); do
                echo; echo "strace -c -f -w $n (wall time in syscalls, $RUNS runs):"; echo '```'
                head -n 14 "$WORK/strace.$n"; echo '```'
        done | tee -a "$WORK/report.md"
fi
