#!/usr/bin/env bash
# bench/run.sh: the cost of starting a container, side by side in one run.
#
#   bench/run.sh [-n RUNS] [-r ROUNDS] [--net-n N] [--no-bridge]
#
# Rows (image local, command `true`, each measured by hyperfine in ROUNDS
# interleaved rounds of RUNS runs, default 3 x 10):
#   wharf     wharf run --rm --network none busybox true
#   podman    podman run --rm --network none (cgroupfs + runc)
#   docker    docker run --rm --network none (private dockerd)
#   runc      runc run on a ready bundle (the external-runtime floor)
#   unshare   unshare --fork --pid --mount --uts --ipc --net chroot ROOTFS true
#             (the kernel's floor)
# then the same with --network bridge (wharf's row is skipped with a note
# while `wharf run --network bridge` fails), and the time to create N (200)
# containers on one user-defined network, sequentially.
#
# Targets: wharf median <= 25 ms (issue 4); bridge adds <= 10 ms (issue 7).
# Needs root; installs the peers (bench/install-peers) if missing; leaves
# nothing behind. See bench/lib.sh for the environment it honours.

# lists of ids and pids are split on purpose
# shellcheck disable=SC2046
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARGS=("$@")
RUNS=10 ROUNDS=3 NET_N=200 BRIDGE=1
while [ $# -gt 0 ]; do
        case $1 in
        -n) RUNS=$2; shift 2 ;;
        -r) ROUNDS=$2; shift 2 ;;
        --net-n) NET_N=$2; shift 2 ;;
        --no-bridge) BRIDGE=0; shift ;;
        -h|--help) sed -n '2,/^$/{/^$/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
        esac
done
export BENCH_RUNS=$RUNS BENCH_WARMUP=1

bench_init run "${ARGS[@]}"
bench_fixtures
bench_rootfs

# --- set up every row; a row that cannot work is skipped with a note --------
ROWS_NONE=() ROWS_BRIDGE=() ROWS_NET=()
HAVE_WHARF=0 HAVE_DOCKER=0 HAVE_PODMAN=0
if want wharf; then
        bench_wharf_start
        if wharf pull "$BUSYBOX" >/dev/null && wharf run --rm --network none "$BUSYBOX" true; then
                HAVE_WHARF=1
        else
                note "wharf: run --network none failed: rows skipped"
        fi
fi
if want docker && bench_docker_start; then
        if docker pull -q "$BUSYBOX" >/dev/null && docker run --rm --network none "$BUSYBOX" true; then
                HAVE_DOCKER=1
        else
                note "docker: run failed (log: $WORK/logs/dockerd.log): rows skipped"
        fi
fi
if want podman && bench_podman_init; then
        if podman pull -q --tls-verify=false "$BUSYBOX" >/dev/null &&
                podman run --rm --network none "$BUSYBOX" true; then
                HAVE_PODMAN=1
        else
                note "podman: run failed: rows skipped"
        fi
fi
if want runc && ! runc --root "$BENCH_RT/runc" run --bundle "$WORK/bundle" wbench-probe; then
        note "runc: run on the bundle failed: row skipped"; BENCH_PEERS=${BENCH_PEERS/runc/}
fi

[ $HAVE_WHARF = 1 ] && ROWS_NONE+=("wharf|wharf run --rm --network none busybox true")
[ $HAVE_PODMAN = 1 ] && ROWS_NONE+=("podman|podman run --rm --network none busybox true")
[ $HAVE_DOCKER = 1 ] && ROWS_NONE+=("docker|docker run --rm --network none busybox true")
want runc && ROWS_NONE+=("runc|runc run (ready bundle)")
want unshare && ROWS_NONE+=("unshare|unshare -fpmuin chroot rootfs true")

# bridge rows: probe each engine once
if [ $BRIDGE = 1 ]; then
        if [ $HAVE_WHARF = 1 ]; then
                if out=$(wharf run --rm --network bridge "$BUSYBOX" true 2>&1); then
                        ROWS_BRIDGE+=("wharf-bridge|wharf run --rm --network bridge busybox true")
                else
                        note "wharf-bridge: skipped: \`wharf run --network bridge\` fails: $out"
                fi
        fi
        if [ $HAVE_PODMAN = 1 ]; then
                if out=$(podman run --rm --network bridge "$BUSYBOX" true 2>&1); then
                        ROWS_BRIDGE+=("podman-bridge|podman run --rm --network bridge busybox true")
                else
                        note "podman-bridge: skipped: $(echo "$out" | tail -n 1)"
                fi
        fi
        if [ $HAVE_DOCKER = 1 ]; then
                if out=$(docker run --rm --network bridge "$BUSYBOX" true 2>&1); then
                        ROWS_BRIDGE+=("docker-bridge|docker run --rm --network bridge busybox true")
                else
                        note "docker-bridge: skipped: $(echo "$out" | tail -n 1)"
                fi
        fi
fi

# --- measure: ROUNDS interleaved rounds --------------------------------------
for ((round = 1; round <= ROUNDS; round++)); do
        say "round $round/$ROUNDS"
        [ $HAVE_WHARF = 1 ] && measure wharf -- "$WHARF_CLI" run --rm --network none "$BUSYBOX" true
        [ $HAVE_PODMAN = 1 ] && measure podman -- "${PODMAN[@]}" run --rm --network none "$BUSYBOX" true
        [ $HAVE_DOCKER = 1 ] && measure docker -- /usr/bin/docker -H "unix://$DOCKER_SOCK" run --rm --network none "$BUSYBOX" true
        want runc && measure runc -- runc --root "$BENCH_RT/runc" run --bundle "$WORK/bundle" wbench
        want unshare && measure unshare -- unshare --fork --pid --mount --uts --ipc --net chroot "$ROOTFS" true
        for row in "${ROWS_BRIDGE[@]}"; do
                case ${row%%|*} in
                wharf-bridge) measure wharf-bridge -- "$WHARF_CLI" run --rm --network bridge "$BUSYBOX" true ;;
                podman-bridge) measure podman-bridge -- "${PODMAN[@]}" run --rm --network bridge "$BUSYBOX" true ;;
                docker-bridge) measure docker-bridge -- /usr/bin/docker -H "unix://$DOCKER_SOCK" run --rm --network bridge "$BUSYBOX" true ;;
                esac
        done
done

# --- N containers created on one network --------------------------------------
create_n() {    # create_n ENGINE-FUNCTION NETWORK
        local i
        for ((i = 0; i < NET_N; i++)); do
                "$1" create --network "$2" "$BUSYBOX" true >/dev/null || return 1
        done
}
if [ $BRIDGE = 1 ] && [ "$NET_N" -gt 0 ]; then
        if [ $HAVE_WHARF = 1 ]; then
                if wharf network create wbench-net >/dev/null 2>&1; then
                        time_cmd wharf-net create_n wharf wbench-net &&
                                ROWS_NET+=("wharf-net|$NET_N x wharf create --network wbench-net")
                        wharf rm -f $(wharf ps -aq) >/dev/null 2>&1
                        wharf network rm wbench-net >/dev/null 2>&1
                else
                        note "wharf-net: skipped: \`wharf network create\` is not supported yet"
                fi
        fi
        if [ $HAVE_PODMAN = 1 ] && podman network create wbench-net >/dev/null; then
                time_cmd podman-net create_n podman wbench-net &&
                        ROWS_NET+=("podman-net|$NET_N x podman create --network wbench-net")
                podman rm -af >/dev/null 2>&1
                podman network rm -f wbench-net >/dev/null 2>&1
        fi
        if [ $HAVE_DOCKER = 1 ] && docker network create wbench-net >/dev/null; then
                time_cmd docker-net create_n docker wbench-net &&
                        ROWS_NET+=("docker-net|$NET_N x docker create --network wbench-net")
                docker container prune -f >/dev/null 2>&1
                docker network rm wbench-net >/dev/null 2>&1
        fi
fi

# --- report ---------------------------------------------------------------------
REF=wharf; [ $HAVE_WHARF = 1 ] || REF=runc
table "run --rm --network none busybox true" "$REF" "${ROWS_NONE[@]}"
if [ $HAVE_WHARF = 1 ]; then
        m=$(median wharf)
        verdict "wharf median ≤ 25 ms (issue 4): $(fmt_time "$m")" \
                "$(awk -v m="$m" 'BEGIN { print (m <= 0.025) }')"
fi
if [ ${#ROWS_BRIDGE[@]} -gt 0 ]; then
        rows=()
        for row in "${ROWS_BRIDGE[@]}"; do rows+=("$row"); done
        table "run --rm --network bridge busybox true" "${ROWS_BRIDGE[0]%%|*}" "${rows[@]}"
        for e in wharf podman docker; do
                d=$(awk -v a="$(median $e-bridge 2>/dev/null)" -v b="$(median $e 2>/dev/null)" \
                        'BEGIN { if (a != "" && b != "") printf "%.1f", (a - b) * 1000 }')
                [ -n "$d" ] && echo "- $e: bridge adds $d ms to a run --rm (median - median)" | tee -a "$WORK/report.md"
        done
        if stats wharf-bridge >/dev/null; then
                d=$(awk -v a="$(median wharf-bridge)" -v b="$(median wharf)" 'BEGIN { print (a - b) }')
                verdict "bridge adds ≤ 10 ms (issue 7): $(fmt_time "$d")" "$(awk -v d="$d" 'BEGIN { print (d <= 0.010) }')"
        fi
fi
if [ ${#ROWS_NET[@]} -gt 0 ]; then
        table "$NET_N containers created on one network (one sample, sequential)" "${ROWS_NET[0]%%|*}" "${ROWS_NET[@]}"
fi
bench_notes
