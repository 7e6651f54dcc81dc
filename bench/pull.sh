#!/usr/bin/env bash
# bench/pull.sh: pulling a ~130 MB image from a local registry, side by side.
#
#   bench/pull.sh [-n RUNS]
#
# The image (library/pullbench:latest, docker schema2): 5 gzip layers, the
# busybox layer of the test fixtures and 4 layers of one 32 MiB file of
# incompressible pseudo-random data each (AES-CTR of zeros with a fixed key
# per layer: the same bytes on every machine). It is served by a private
# docker-registry on a random loopback port.
#
# Rows (RUNS interleaved rounds, default 5, one pull per tool and round; the
# image is removed before each pull and the page cache written out with
# sync(1), outside the timing, so no tool's writes land in another's time):
#   wharf     wharf pull IMAGE                         (prepare: wharf rmi)
#   skopeo    skopeo copy docker://IMAGE dir:DIR       download only, the floor
#   docker    docker pull IMAGE                        (prepare: docker rmi)
#   podman    podman pull --tls-verify=false IMAGE     (prepare: podman rmi)
#
# Target (issue 3): wharf (download + verify + unpack) <= 0.5 x docker, and
# no slower than skopeo's download-only copy.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARGS=("$@")
RUNS=5
while [ $# -gt 0 ]; do
        case $1 in
        -n) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,/^$/{/^$/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "pull.sh: unknown argument $1" >&2; exit 2 ;;
        esac
done
export BENCH_RUNS=1 BENCH_WARMUP=0

bench_init pull "${ARGS[@]}"

bench_pull_image

# --- probe each tool once (this also leaves the image present, so that
# every measured pull's prepare step can remove it) ---------------------------
ROWS=()
if want wharf; then
        bench_wharf_start
        if wharf pull "$IMAGE" >/dev/null; then
                ROWS+=("wharf|wharf pull")
        else
                note "wharf: pull failed: row skipped"
        fi
fi
if want skopeo; then
        SKOPEO=(skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$IMAGE" "dir:$WORK/skopeo")
        if "${SKOPEO[@]}"; then
                ROWS+=("skopeo|skopeo copy docker://… dir:… (download only)")
        else
                note "skopeo: copy failed: row skipped"
        fi
fi
if want docker && bench_docker_start; then
        if docker pull -q "$IMAGE" >/dev/null; then
                ROWS+=("docker|docker pull")
        else
                note "docker: pull failed: row skipped"
        fi
fi
if want podman && bench_podman_init; then
        if podman pull -q --tls-verify=false "$IMAGE" >/dev/null; then
                ROWS+=("podman|podman pull --tls-verify=false")
        else
                note "podman: pull failed: row skipped"
        fi
fi

# --- measure --------------------------------------------------------------------
for ((round = 1; round <= RUNS; round++)); do
        say "round $round/$RUNS"
        for row in "${ROWS[@]}"; do
                sync
                case ${row%%|*} in
                wharf)
                        wharf_cpu_add -1
                        measure wharf --prepare "$WHARF_CLI rmi $IMAGE" -- "$WHARF_CLI" pull "$IMAGE"
                        wharf_cpu_add 1 ;;
                skopeo) measure skopeo --prepare "rm -rf $WORK/skopeo" -- "${SKOPEO[@]}" ;;
                docker) measure docker --prepare "/usr/bin/docker -H unix://$DOCKER_SOCK rmi $IMAGE" -- \
                        /usr/bin/docker -H "unix://$DOCKER_SOCK" pull -q "$IMAGE" ;;
                podman) measure podman --prepare "${PODMAN[*]} rmi $IMAGE" -- \
                        "${PODMAN[@]}" pull -q --tls-verify=false "$IMAGE" ;;
                esac
        done
done

# --- report ---------------------------------------------------------------------
table "pull of a $(awk -v b="$IMAGE_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }') MB image (5 gzip layers) from a local registry" \
        wharf "${ROWS[@]}"
if stats wharf >/dev/null; then
        if r=$(ratio wharf docker); then
                verdict "wharf ≤ 0.5 × docker (issue 3): wharf/docker = $r" "$(awk -v r="$r" 'BEGIN { print (r <= 0.5) }')"
        fi
        if r=$(ratio wharf skopeo); then
                verdict "wharf no slower than skopeo's download-only copy (issue 3): wharf/skopeo = $r" \
                        "$(awk -v r="$r" 'BEGIN { print (r <= 1.0) }')"
        fi
        wharf_cpu_report "$(stats wharf | cut -d' ' -f1)" "pull (and the rmi before it)"
        echo "- throughput: wharf $(awk -v b="$IMAGE_BYTES" -v t="$(median wharf)" 'BEGIN { printf "%.0f", b / t / 1e6 }') MB/s (compressed bytes / median)" |
                tee -a "$WORK/report.md"
fi
bench_notes
