#!/usr/bin/env bash
# bench/density.sh: the memory cost of a running container, side by side.
#
#   bench/density.sh [-n N] [--peer-n M]
#
# Starts N (default 500) `sleep infinity` busybox containers with wharf, all
# running at once, then M (default 100; 0 skips them) with podman and with
# docker, one engine after the other, and reports per container:
#   monitor PSS   sum of Pss (/proc/PID/smaps_rollup) of the per-container
#                 processes the engine keeps (wharf-monitor; conmon;
#                 containerd-shim-runc-v2), divided by the count
#   engine growth Pss growth of the engine's daemons (wharf's five;
#                 dockerd + containerd) / count
#   kernel        growth of Slab + KernelStack + PageTables (/proc/meminfo) / count
#   all           drop of MemAvailable / count (everything, the containers'
#                 own `sleep` processes included; noisy on a shared machine)
# plus the time to start them all (sequentially) and to remove them all.
#
# wharf starts them with `wharf run -d`; while main does not support -d yet,
# with `wharf create` + `wharf start` (detached), and failing that with
# backgrounded `wharf run --rm ... sleep infinity` clients (their PSS is then
# reported apart). The mode used is printed.
#
# Target (issue 4): monitor + kernel objects < 1 MiB per container.

# lists of ids and pids are split on purpose
# shellcheck disable=SC2046
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARGS=("$@")
N=500 PEER_N=100
while [ $# -gt 0 ]; do
        case $1 in
        -n) N=$2; shift 2 ;;
        --peer-n) PEER_N=$2; shift 2 ;;
        -h|--help) sed -n '2,/^$/{/^$/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "density.sh: unknown argument $1" >&2; exit 2 ;;
        esac
done

bench_init density "${ARGS[@]}"
bench_fixtures

# --- measuring memory -------------------------------------------------------------
pss_kb() {      # pss_kb PID...: summed Pss in kB
        local p sum=0 v
        for p in "$@"; do
                v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
                sum=$((sum + ${v:-0}))
        done
        echo "$sum"
}
meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
kernel_kb() { echo $(( $(meminfo_kb Slab) + $(meminfo_kb KernelStack) + $(meminfo_kb PageTables) )); }

# pids of live processes whose comm is $1 and whose command line names WORK
# (or, with a third argument, anything)
pids_of() {
        local p comm cmd
        for p in /proc/[0-9]*; do
                p=${p#/proc/}
                comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
                [ "$comm" = "${1:0:15}" ] || continue        # comm is cut at 15
                [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] && continue
                if [ -z "${2:-}" ]; then
                        cmd=$(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline") || continue
                        [[ $cmd == *"$WORK"* ]] || continue
                fi
                echo "$p"
        done
}
wharf_daemon_pids() {
        "$STACK" ps --state "$WORK/state" 2>/dev/null | awk -F'\t' '$3 != "extra" { print $1 }'
}
wharf_extra_pids() {    # extra processes of the stack with comm $1
        local p
        for p in $("$STACK" ps --state "$WORK/state" --extra 2>/dev/null | cut -f1); do
                [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p"
        done
}

# snapshot NAME: engine PSS, kernel objects and MemAvailable, in WORK/snap.NAME
# (ENGINE_PIDS is a command printing the engine's daemons)
snapshot() {
        sleep 1
        printf 'engine=%s\nkernel=%s\navail=%s\nslab=%s\nkstack=%s\nptables=%s\n' \
                "$(pss_kb $($ENGINE_PIDS))" "$(kernel_kb)" "$(meminfo_kb MemAvailable)" \
                "$(meminfo_kb Slab)" "$(meminfo_kb KernelStack)" "$(meminfo_kb PageTables)" > "$WORK/snap.$1"
}
snap() { sed -n "s/^$2=//p" "$WORK/snap.$1"; }

RESULTS=()
# result ENGINE COUNT MONITOR_KB MODE START_S RM_S: a row of the table
result() {
        local e=$1 n=$2 mon=$3 mode=$4 ts=$5 trm=$6 eng kern avail
        eng=$(( $(snap $e-after engine) - $(snap $e-before engine) ))
        kern=$(( $(snap $e-after kernel) - $(snap $e-before kernel) ))
        avail=$(( $(snap $e-before avail) - $(snap $e-after avail) ))
        RESULTS+=("$(awk -v e="$e" -v n="$n" -v mon="$mon" -v eng="$eng" -v kern="$kern" -v avail="$avail" \
                -v mode="$mode" -v ts="$ts" -v trm="$trm" -v idle="$(snap $e-before engine)" 'BEGIN {
                printf "| %s | %d | %.0f KiB | %.0f KiB | %.0f KiB | **%.0f KiB** | %.0f KiB | %.1f MB | %.1f s | %.1f s | %s |",
                        e, n, mon / n, eng / n, kern / n, (mon + kern) / n, avail / n, idle / 1024, ts, trm, mode }')")
        echo "${RESULTS[-1]}" >&2
        note "$e: kernel objects per container: $(for k in slab kstack ptables; do
                awk -v k=$k -v a="$(snap $e-after $k)" -v b="$(snap $e-before $k)" -v n="$n" \
                        'BEGIN { printf "%s %.0f KiB, ", k, (a - b) / n }'; done | sed 's/, $//')"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# wait_count CMD N: until CMD prints N (at most 120 s)
wait_count() {
        local i c
        for ((i = 0; i < 1200; i++)); do
                c=$($1) && [ "$c" -ge "$2" ] && return 0
                sleep 0.1
        done
        say "only ${c:-0} of $2 running"
        return 1
}

# --- wharf ------------------------------------------------------------------------
CLIENT_PIDS=()
bench_script_cleanup() {
        [ ${#CLIENT_PIDS[@]} -gt 0 ] && kill "${CLIENT_PIDS[@]}" 2>/dev/null
        if [ -n "${BENCH_WHARF_UP:-}" ]; then
                local ids
                ids=$(wharf ps -aq 2>/dev/null)
                [ -n "$ids" ] && wharf rm -f $ids >/dev/null 2>&1
        fi
        return 0
}
wharf_running() { wharf ps -q 2>/dev/null | wc -l; }

if want wharf; then
        bench_wharf_start
        wharf pull "$BUSYBOX" >/dev/null || die "wharf pull failed"
        # which way of keeping a container running does this wharf have?
        if id=$(wharf run -d --network none "$BUSYBOX" sleep infinity 2>/dev/null); then
                MODE="run -d"
        elif id=$(wharf create --network none "$BUSYBOX" sleep infinity) &&
                wharf start "$id" >/dev/null; then
                MODE="create + start"
                note "wharf: \`run -d\` is not supported yet: containers started with \`wharf create\` + \`wharf start\` (detached)"
        else
                MODE="run --rm &"
                note "wharf: neither \`run -d\` nor detached \`start\` work: backgrounded \`wharf run --rm\` clients (their PSS is reported apart)"
        fi
        sleep 1
        MONITOR=$(wharf_extra_pids wharf-monitor | head -n 1)
        [ -n "$MONITOR" ] || say "no wharf-monitor process found: $( "$STACK" ps --state "$WORK/state" --extra)"
        wharf rm -f $(wharf ps -aq) >/dev/null 2>&1
        ENGINE_PIDS=wharf_daemon_pids
        snapshot wharf-before
        say "wharf: starting $N containers ($MODE)"
        t0=$(now)
        for ((i = 0; i < N; i++)); do
                case $MODE in
                "run -d") wharf run -d --network none "$BUSYBOX" sleep infinity >/dev/null || break ;;
                "create + start")
                        id=$(wharf create --network none "$BUSYBOX" sleep infinity) || break
                        wharf start "$id" >/dev/null || break ;;
                *) wharf run --rm --network none "$BUSYBOX" sleep infinity </dev/null >/dev/null 2>&1 &
                   CLIENT_PIDS+=($!) ;;
                esac
        done
        wait_count wharf_running "$N"
        t_start=$(since "$t0")
        snapshot wharf-after
        n=$(wharf_running)
        mon=$(pss_kb $(wharf_extra_pids wharf-monitor))
        nmon=$(wharf_extra_pids wharf-monitor | wc -l)
        ctr=$(pss_kb $(wharf_extra_pids sleep))
        [ ${#CLIENT_PIDS[@]} -gt 0 ] &&
                note "wharf: the $N waiting clients hold $(awk -v k="$(pss_kb "${CLIENT_PIDS[@]}")" -v n="$N" 'BEGIN { printf "%.0f", k / n }') KiB PSS each (not counted above)"
        note "wharf: $nmon wharf-monitor processes for $n running containers; the containers' own sleep processes: $(awk -v k="$ctr" -v n="$n" 'BEGIN { printf "%.0f", k / n }') KiB PSS each"
        say "wharf: removing them"
        t0=$(now)
        wharf rm -f $(wharf ps -aq) >/dev/null
        t_rm=$(since "$t0")
        [ ${#CLIENT_PIDS[@]} -gt 0 ] && { wait "${CLIENT_PIDS[@]}" 2>/dev/null; CLIENT_PIDS=(); }
        result wharf "$n" "$mon" "$MODE" "$t_start" "$t_rm"
        left=$(wharf_extra_pids wharf-monitor | wc -l)
        [ "$left" = 0 ] || note "wharf: $left monitors still there after rm -f"
        "$STACK" stop --state "$WORK/state" >/dev/null 2>&1; BENCH_WHARF_UP=
fi

# --- podman -------------------------------------------------------------------------
podman_running() { podman ps -q 2>/dev/null | wc -l; }
if [ "$PEER_N" -gt 0 ] && want podman && bench_podman_init &&
        podman pull -q --tls-verify=false "$BUSYBOX" >/dev/null; then
        ENGINE_PIDS=true        # no daemon
        snapshot podman-before
        say "podman: starting $PEER_N containers"
        t0=$(now)
        for ((i = 0; i < PEER_N; i++)); do
                podman run -d --network none "$BUSYBOX" sleep infinity >/dev/null || break
        done
        wait_count podman_running "$PEER_N"
        t_start=$(since "$t0")
        snapshot podman-after
        n=$(podman_running)
        mon=$(pss_kb $(pids_of conmon))
        say "podman: removing them"
        t0=$(now)
        podman rm -af -t 0 >/dev/null
        t_rm=$(since "$t0")
        result podman "$n" "$mon" "run -d (conmon)" "$t_start" "$t_rm"
        bench_podman_stop
fi

# --- docker ---------------------------------------------------------------------------
docker_running() { docker ps -q 2>/dev/null | wc -l; }
docker_daemon_pids() { pids_of dockerd; pids_of containerd; }
if [ "$PEER_N" -gt 0 ] && want docker && bench_docker_start && docker pull -q "$BUSYBOX" >/dev/null; then
        ENGINE_PIDS=docker_daemon_pids
        snapshot docker-before
        say "docker: starting $PEER_N containers"
        t0=$(now)
        for ((i = 0; i < PEER_N; i++)); do
                docker run -d --network none "$BUSYBOX" sleep infinity >/dev/null || break
        done
        wait_count docker_running "$PEER_N"
        t_start=$(since "$t0")
        snapshot docker-after
        n=$(docker_running)
        mon=$(pss_kb $(pids_of containerd-shim-runc-v2 any))
        [ "$(pids_of containerd-shim-runc-v2 any | wc -l)" -ge "$n" ] ||
                note "docker: fewer shims than containers: PSS per container is too low"
        say "docker: removing them"
        t0=$(now)
        docker rm -f $(docker ps -aq) >/dev/null
        t_rm=$(since "$t0")
        result docker "$n" "$mon" "run -d (containerd-shim-runc-v2)" "$t_start" "$t_rm"
        bench_docker_stop
fi

# --- report -------------------------------------------------------------------------------
{
        echo
        echo "### memory per running \`sleep infinity\` container"
        echo
        echo "$BENCH_DATE, $(uname -r), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
        echo
        echo "| engine | running | monitor PSS | engine growth | kernel objects | monitor + kernel | MemAvailable drop | idle engine PSS | start all | rm all | how |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        printf '%s\n' "${RESULTS[@]}"
} | tee -a "$WORK/report.md"
for r in "${RESULTS[@]}"; do
        [[ $r == "| wharf "* ]] || continue
        kib=$(awk -F'|' '{ gsub(/[^0-9]/, "", $7); print $7 }' <<< "$r")
        verdict "monitor + kernel objects < 1 MiB per container (issue 4): $kib KiB" "$(awk -v k="$kib" 'BEGIN { print (k < 1024) }')"
done
bench_notes
