# shellcheck shell=bash disable=SC2034
# bench/lib.sh: what the side-by-side benchmarks share (sourced by
# bench/pull.sh, bench/run.sh, bench/density.sh; not run on its own).
#
# Every script:
#   - re-executes itself below tools/wharf-reaper (PID 1 here never reaps
#     orphans: dockerd's containerd, conmon, the stack's daemons);
#   - keeps everything under one work dir WORK=/tmp/wbench-NAME.XXXXXX:
#     fixtures and registry, the wharf stack (tools/stack --state), a private
#     dockerd (--data-root/--exec-root/-H unix://.../--pidfile, its own bridge),
#     podman (--root/--runroot, a private containers.conf), runc state;
#   - measures with hyperfine in interleaved rounds (round 1: every tool, round
#     2: every tool, ...) so that load from other users of the machine falls on
#     all tools alike; the samples of all rounds are merged;
#   - prints a markdown table: median, min-max, ratio to wharf;
#   - cleans up on exit (also on failure or ^C) and reports anything left:
#     processes or mounts naming WORK, new netns, bridges, veths.
#
# Environment: WHARF_BUILDDIR (default: the source tree, built if needed),
# BENCH_KEEP=1 (keep WORK), BENCH_PEERS="wharf docker podman skopeo runc
# unshare" (which rows to run), WHARF_DEBUG=1 (daemons with --debug; their
# logs in WORK/state/logs), BENCH_RESULTS (where each run's table is saved,
# default /tmp/wbench-results).

BENCH_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WHARF_SRCDIR=$BENCH_SRCDIR
WHARF_BUILDDIR=${WHARF_BUILDDIR:-$BENCH_SRCDIR}
WHARF_CLI=$WHARF_BUILDDIR/cli/wharf
STACK=$BENCH_SRCDIR/tools/stack
BENCH_PEERS=${BENCH_PEERS:-wharf docker podman skopeo runc unshare}
BENCH_RESULTS=${BENCH_RESULTS:-/tmp/wbench-results}
export WHARF_SRCDIR WHARF_BUILDDIR

# all traffic is to loopback: never through a proxy
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# shellcheck source=../tests/integration/fixtures
. "$BENCH_SRCDIR/tests/integration/fixtures"

say() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
die() { say "$*"; exit 1; }
want() { [[ " $BENCH_PEERS " == *" $1 "* ]]; }

# --- set-up -----------------------------------------------------------------

# bench_init NAME "$@": root check, build, reaper, work dir, cleanup trap.
bench_init() {
        BENCH_NAME=$1; shift
        [ "$(id -u)" = 0 ] || die "run as root"
        if [ -z "${BENCH_UNDER_REAPER:-}" ]; then
                bench_build
                BENCH_UNDER_REAPER=1 exec "$WHARF_BUILDDIR/tools/wharf-reaper" --linger 20 \
                        "$BASH" "$0" "$@"
        fi
        "$BENCH_SRCDIR/bench/install-peers" --check >/dev/null 2>&1 ||
                "$BENCH_SRCDIR/bench/install-peers" >&2 || die "bench/install-peers failed"
        WORK=$(mktemp -d "/tmp/wbench-$BENCH_NAME.XXXXXX") || die "mktemp"
        mkdir -p "$WORK/times" "$WORK/logs" "$WORK/rt"
        : > "$WORK/notes"
        # Every engine's per-boot runtime state (docker's exec-root, podman's
        # runroot, runc's root; wharf's run/ is one by tools/stack) on a
        # tmpfs, as /run is on a systemd host, so no row pays a disk journal
        # that a real host does not.
        BENCH_RT=$WORK/rt
        mount -t tmpfs -o mode=0755 wbench-rt "$BENCH_RT" || die "cannot mount a tmpfs on $BENCH_RT"
        BENCH_LINKS_BEFORE=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort)
        BENCH_NETNS_BEFORE=$(ip netns list 2>/dev/null | awk '{ print $1 }' | sort)
        # podman's CNI plugins leave their firewall chains and IPAM state
        # behind: remove them at the end unless they were there before
        BENCH_CNI_CHAINS_BEFORE=0 BENCH_CNI_DIR_BEFORE=0
        iptables -S CNI-FORWARD >/dev/null 2>&1 && BENCH_CNI_CHAINS_BEFORE=1
        [ -e /var/lib/cni ] && BENCH_CNI_DIR_BEFORE=1
        trap bench_cleanup EXIT
        trap 'exit 130' INT TERM HUP
        BENCH_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
        say "work dir $WORK"
}

bench_build() {
        [ -x "$WHARF_CLI" ] && [ -x "$WHARF_BUILDDIR/tools/wharf-reaper" ] && return 0
        [ "$WHARF_BUILDDIR" = "$BENCH_SRCDIR" ] || die "$WHARF_BUILDDIR is not built"
        say "building wharf"
        (cd "$BENCH_SRCDIR" && { [ -x configure ] || ./autogen.sh; } &&
                { [ -f Makefile ] || ./configure -q; } && make -j"$(nproc)") >&2 || die "build failed"
}

# a note printed under the table (and kept for the docs)
note() { echo "$*" >> "$WORK/notes"; say "note: $*"; }

# The busybox fixtures (tests/integration/fixtures) and a registry serving them.
bench_fixtures() {
        fixtures_setup "$WORK/fixtures" > "$WORK/logs/fixtures.log" 2>&1 ||
                { tail -n 20 "$WORK/logs/fixtures.log" >&2; die "fixtures failed"; }
        set -a
        # shellcheck disable=SC1091
        . "$WORK/fixtures/env"
        set +a
        BUSYBOX=$REGISTRY/library/busybox:latest
}

# An unpacked busybox rootfs (the fixture's layer) and a runc bundle on it.
bench_rootfs() {
        local blob=$WORK/fixtures/images/blobs/sha256/${BUSYBOX_LAYER#sha256:}
        ROOTFS=$WORK/bundle/rootfs
        mkdir -p "$ROOTFS" "$BENCH_RT/runc"
        tar -xzf "$blob" -C "$ROOTFS" || die "unpacking the busybox layer"
        mkdir -p "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev"
        (cd "$WORK/bundle" && runc spec) || die "runc spec"
        # the same process as the other rows: true, no terminal
        jq '.process.args = ["true"] | .process.terminal = false | .root.path = "rootfs"' \
                "$WORK/bundle/config.json" > "$WORK/bundle/config.json.new" &&
                mv "$WORK/bundle/config.json.new" "$WORK/bundle/config.json"
}

bench_wharf_start() {
        local out
        # netd: a default bridge and an nft table of our own, not the shared
        # wharf0 / "ip wharf" that other stacks on this machine may use
        BENCH_WHARF_BRIDGE=wbw$$ BENCH_WHARF_TABLE=wbench$$
        mkdir -p "$WORK/state/lib/net"
        printf '{ "DefaultBridge": "%s", "Table": "%s" }\n' "$BENCH_WHARF_BRIDGE" "$BENCH_WHARF_TABLE" \
                > "$WORK/state/lib/net/config.json"
        out=$("$STACK" start --state "$WORK/state" --builddir "$WHARF_BUILDDIR" 2>"$WORK/logs/stack.log") ||
                { cat "$WORK/logs/stack.log" >&2; die "tools/stack start failed"; }
        eval "$out"
        export DBUS_SYSTEM_BUS_ADDRESS
        BENCH_WHARF_UP=1
}

wharf() { "$WHARF_CLI" "$@"; }

# dockerd on private dirs, socket and bridge; no iptables or sysctl changes
# (without -p, docker adds no per-container rules: the start path is the same).
bench_docker_start() {
        local d=$WORK/docker i
        [ -x /usr/sbin/dockerd ] || { note "docker: dockerd not installed, row skipped"; return 1; }
        mkdir -p "$d"
        BENCH_DOCKER_BRIDGE=wbd$$
        BENCH_DOCKER_BRIDGE=${BENCH_DOCKER_BRIDGE:0:15}
        ip link add "$BENCH_DOCKER_BRIDGE" type bridge &&
                ip addr add 172.31.$(( $$ % 200 + 20 )).1/24 dev "$BENCH_DOCKER_BRIDGE" &&
                ip link set "$BENCH_DOCKER_BRIDGE" up || { note "docker: could not create a bridge"; return 1; }
        DOCKER_SOCK=$d/docker.sock
        setsid /usr/sbin/dockerd --data-root "$d/data" --exec-root "$BENCH_RT/docker" \
                -H "unix://$DOCKER_SOCK" --pidfile "$d/docker.pid" \
                --bridge "$BENCH_DOCKER_BRIDGE" --iptables=false --ip-forward=false --ip-masq=false \
                --userland-proxy=false --storage-driver overlay2 \
                </dev/null >"$WORK/logs/dockerd.log" 2>&1 &
        BENCH_DOCKERD_PID=$!
        for ((i = 0; i < 300; i++)); do
                docker info >/dev/null 2>&1 && return 0
                kill -0 "$BENCH_DOCKERD_PID" 2>/dev/null || break
                sleep 0.1
        done
        tail -n 20 "$WORK/logs/dockerd.log" >&2
        note "docker: dockerd did not start (log: $WORK/logs/dockerd.log)"
        return 1
}

# Debian's docker CLI (20.10) for its daemon: a newer one may be first on PATH
docker() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }

# podman with its own root, runroot, tmp dir, network config, events file
bench_podman_init() {
        local d=$WORK/podman
        [ -x /usr/bin/podman ] || { note "podman: not installed, row skipped"; return 1; }
        mkdir -p "$d/root" "$BENCH_RT/podman" "$d/tmp" "$d/net"
        cat > "$d/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"
[network]
network_config_dir = "$d/net"
EOF
        export CONTAINERS_CONF=$d/containers.conf
        PODMAN=(/usr/bin/podman --root "$d/root" --runroot "$BENCH_RT/podman")
        BENCH_PODMAN_UP=1
}

podman() { "${PODMAN[@]}" "$@"; }

# The pull benchmark's image (see bench/pull.sh), built under WORK/fixtures
# and served by a registry of its own; sets IMAGE and IMAGE_BYTES.
bench_pull_image_build() {
        local dir=$WORK/fixtures w i key diffs=() blobs=() cfg cfgd man mand
        DIR_IMAGES=$dir/images
        w=$DIR_IMAGES/work
        mkdir -p "$w"
        : > "$DIR_IMAGES/refs"
        umask 022
        _busybox_root "$w/l0" || return 1
        for i in 1 2 3 4; do
                mkdir -p "$w/l$i/data"
                key=$(printf '%032x' "$i")
                openssl enc -aes-128-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000 \
                        -in /dev/zero 2>/dev/null | head -c $((32 * 1024 * 1024)) > "$w/l$i/data/random-$i"
        done
        for i in 0 1 2 3 4; do
                _tar_dir "$w/l$i" "$w/l$i.tar" || return 1
                diffs+=("sha256:$(_sha "$w/l$i.tar")")
                gzip -n -6 -c "$w/l$i.tar" > "$w/l$i.tar.gz"
                blobs+=("$MT_DOCKER_LAYER" "$(_blob_add "$DIR_IMAGES" "$w/l$i.tar.gz")")
        done
        cfg=$(_config amd64 "${diffs[*]}" \
                "$(jq -cn --arg p "PATH=$FIXTURES_PATH" '{Env: [$p], Cmd: ["sh"]}')")
        cfgd=$(_json_blob "$cfg")
        man=$(_manifest "$DIR_IMAGES" $MT_DOCKER_MANIFEST $MT_DOCKER_CONFIG "$cfgd" "${blobs[@]}")
        mand=$(_json_blob "$man")
        _ref library/pullbench latest $MT_DOCKER_MANIFEST "$mand"
        IMAGE_BYTES=$(jq '([.layers[].size] | add) + .config.size' <<< "$man")
        rm -rf "$w" "$DIR_IMAGES/tmp.json"
}
bench_pull_image() {
        say "building the image"
        bench_pull_image_build || die "could not build the image"
        fixtures_registry_start "$WORK/fixtures" >/dev/null || die "registry"
        fixtures_push "$WORK/fixtures" || die "push"
        IMAGE=$REGISTRY/library/pullbench:latest
        say "image $IMAGE: $IMAGE_BYTES bytes"
}

# --- measuring ----------------------------------------------------------------

# CPU time (user+sys, own and reaped children's) of the stack's daemons, to
# say which one a measured operation keeps busy:
#   wharf_cpu_add -1; <measure wharf ...>; wharf_cpu_add 1; wharf_cpu_report N
declare -A WHARF_CPU=()
wharf_cpu_add() {
        local sign=$1 pid st role ticks
        while IFS=$'\t' read -r pid st role _; do
                [ "$role" = extra ] && continue
                ticks=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || continue
                [ -n "$ticks" ] || continue
                role=${role#org.wharf.}
                WHARF_CPU[$role]=$(( ${WHARF_CPU[$role]:-0} + sign * ticks ))
        done < <("$STACK" ps --state "$WORK/state" 2>/dev/null)
}
# wharf_cpu_report N WHAT: CPU ms per operation for each daemon
wharf_cpu_report() {
        local n=$1 what=$2 role hz line=""
        hz=$(getconf CLK_TCK)
        for role in $(printf '%s\n' "${!WHARF_CPU[@]}" | sort); do
                line+=" $role $(awk -v t="${WHARF_CPU[$role]}" -v n="$n" -v hz="$hz" \
                        'BEGIN { printf "%.1f", t * 1000 / hz / n }') ms,"
        done
        echo "- wharf daemons' CPU per $what (user+sys, $n samples):${line%,}" | tee -a "$WORK/report.md"
}

# measure LABEL [--prepare CMD] -- CMD...: one hyperfine round of
# $BENCH_RUNS runs (no shell: CMD is split on spaces), appending the samples
# (seconds) to WORK/times/LABEL. A failing command ends the row: LABEL is
# marked failed and skipped in later rounds.
measure() {
        local label=$1 prep=() json; shift
        if [ "$1" = --prepare ]; then prep=(--prepare "$2"); shift 2; fi
        [ "$1" = -- ] && shift
        [ -e "$WORK/times/$label.failed" ] && return 0
        json=$WORK/times/$label.round.json
        if ! hyperfine -N --style none --warmup "${BENCH_WARMUP:-0}" --runs "${BENCH_RUNS:-10}" \
                "${prep[@]}" --export-json "$json" -- "$*" >"$WORK/logs/hyperfine-$label.log" 2>&1; then
                touch "$WORK/times/$label.failed"
                note "$label: failed: $* (see $WORK/logs/hyperfine-$label.log)"
                tail -n 5 "$WORK/logs/hyperfine-$label.log" >&2
                return 0
        fi
        jq -r '.results[0].times[]' "$json" >> "$WORK/times/$label"
}

# time_cmd LABEL CMD...: one sample of a command run by the shell (for
# things hyperfine cannot drive, e.g. 200 creations in a loop)
time_cmd() {
        local label=$1 t0 t1; shift
        t0=$(date +%s%N)
        "$@" || { note "$label: failed"; return 1; }
        t1=$(date +%s%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }' >> "$WORK/times/$label"
}

# stats LABEL: "n median min max" in seconds, or nothing
stats() {
        local f=$WORK/times/$1
        [ -s "$f" ] || return 1
        sort -g "$f" | awk '{ v[NR] = $1 } END {
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "%d %.6f %.6f %.6f\n", NR, m, v[1], v[NR] }'
}

median() { stats "$1" | awk '{ print $2 }'; }

# ms SECONDS: a readable duration
fmt_time() {
        awk -v s="$1" 'BEGIN { if (s >= 1) printf "%.2f s", s; else printf "%.1f ms", s * 1000 }'
}

# table TITLE REF ROW...: ROW is "LABEL|what was run"; ratios are to REF's median
table() {
        local title=$1 ref=$2 row label what st refm; shift 2
        refm=$(median "$ref" 2>/dev/null)
        {
                echo
                echo "### $title"
                echo
                echo "$BENCH_DATE, $(uname -r), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
                echo
                echo "| row | command | runs | median | min–max | × $ref |"
                echo "|---|---|---:|---:|---:|---:|"
                for row in "$@"; do
                        label=${row%%|*} what=${row#*|}
                        if st=$(stats "$label"); then
                                read -r n med min max <<< "$st"
                                printf '| %s | `%s` | %s | %s | %s–%s | %s |\n' "$label" "$what" "$n" \
                                        "$(fmt_time "$med")" "$(fmt_time "$min")" "$(fmt_time "$max")" \
                                        "$(awk -v a="$med" -v b="$refm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }')"
                        else
                                printf '| %s | `%s` | – | skipped | | |\n' "$label" "$what"
                        fi
                done
        } | tee -a "$WORK/report.md"
}

# verdict TEXT CONDITION-AWK-EXPRESSION: print a target line (MET/MISSED)
verdict() {
        local text=$1 ok=$2
        if [ "$ok" = 1 ]; then echo "- target: $text: **met**"; else echo "- target: $text: **missed**"; fi |
                tee -a "$WORK/report.md"
}

# ratio A B: median(A) / median(B), or empty
ratio() {
        local a b
        a=$(median "$1" 2>/dev/null) && b=$(median "$2" 2>/dev/null) || return 1
        [ -n "$a" ] && [ -n "$b" ] || return 1
        awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else exit 1 }'
}

bench_notes() {
        [ -s "$WORK/notes" ] || return 0
        { echo; echo "Notes:"; sed 's/^/- /' "$WORK/notes"; } | tee -a "$WORK/report.md"
}

# --- clean-up -------------------------------------------------------------------

bench_docker_stop() {
        [ -n "${BENCH_DOCKERD_PID:-}" ] || return 0
        local ids i
        ids=$(docker ps -aq 2>/dev/null) && [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
        docker network prune -f >/dev/null 2>&1
        kill -TERM "$BENCH_DOCKERD_PID" 2>/dev/null
        for ((i = 0; i < 200; i++)); do
                kill -0 "$BENCH_DOCKERD_PID" 2>/dev/null || break
                sleep 0.1
        done
        kill -KILL "$BENCH_DOCKERD_PID" 2>/dev/null
        wait "$BENCH_DOCKERD_PID" 2>/dev/null
        BENCH_DOCKERD_PID=
}

bench_podman_stop() {
        [ -n "${BENCH_PODMAN_UP:-}" ] || return 0
        podman rm -af -t 0 >/dev/null 2>&1
        podman network prune -f >/dev/null 2>&1
        # unmounts the storage (overlay) under WORK/podman
        podman system reset -f >/dev/null 2>&1
        BENCH_PODMAN_UP=
}

# processes (other than us) whose command line names WORK
work_processes() {
        local p cmd
        for p in /proc/[0-9]*; do
                p=${p#/proc/}
                [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
                [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] && continue
                cmd=$(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline") || continue
                [[ $cmd == *"$WORK"* ]] && echo "$p $cmd"
        done
}

work_mounts() { awk -v w="$WORK" 'index($5, w "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r; }

bench_cleanup() {
        local rc=$? m left=0 p links netns
        trap - EXIT INT TERM HUP
        [ -n "${WORK:-}" ] && [ -d "$WORK" ] || exit "$rc"
        say "cleaning up"
        declare -F bench_script_cleanup >/dev/null && bench_script_cleanup
        bench_podman_stop
        bench_docker_stop
        [ -n "${BENCH_WHARF_UP:-}" ] && "$STACK" stop --state "$WORK/state" >/dev/null 2>&1
        runc --root "$BENCH_RT/runc" list -q 2>/dev/null | while read -r c; do
                runc --root "$BENCH_RT/runc" delete -f "$c"; done
        fixtures_registry_stop "$WORK/fixtures" 2>/dev/null
        [ -n "${BENCH_WHARF_TABLE:-}" ] && nft delete table ip "$BENCH_WHARF_TABLE" 2>/dev/null
        [ -n "${BENCH_DOCKER_BRIDGE:-}" ] && ip link del "$BENCH_DOCKER_BRIDGE" 2>/dev/null
        # bridges/veths the peers made for their networks (podman's cni-podman0,
        # docker's br-*) that were not there before
        links=$(comm -13 <(echo "$BENCH_LINKS_BEFORE") \
                <(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort))
        for m in $links; do
                case $m in cni-podman*|br-*|veth*|wbd*|wbw*|wh*) ip link del "$m" 2>/dev/null && say "removed link $m" ;; esac
        done

        if [ "${BENCH_CNI_CHAINS_BEFORE:-1}" = 0 ] && iptables -S CNI-FORWARD >/dev/null 2>&1; then
                iptables -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null
                iptables -F CNI-FORWARD && iptables -X CNI-FORWARD
                iptables -F CNI-ADMIN 2>/dev/null && iptables -X CNI-ADMIN 2>/dev/null
                say "removed podman's CNI firewall chains"
        fi
        [ "${BENCH_CNI_DIR_BEFORE:-1}" = 0 ] && rm -rf /var/lib/cni
        [ -n "${BENCH_RT:-}" ] && mountpoint -q "$BENCH_RT" && umount "$BENCH_RT"

        # check: nothing of ours is left
        sleep 0.5
        while read -r p; do [ -n "$p" ] && { say "LEFT: process $p"; left=1; }; done < <(work_processes)
        for m in $(work_mounts); do umount -l "$m" 2>/dev/null; say "LEFT: mount $m (lazily unmounted)"; left=1; done
        netns=$(comm -13 <(echo "$BENCH_NETNS_BEFORE") <(ip netns list 2>/dev/null | awk '{ print $1 }' | sort))
        [ -n "$netns" ] && { say "LEFT: netns $netns"; left=1; }
        links=$(comm -13 <(echo "$BENCH_LINKS_BEFORE") \
                <(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort))
        [ -n "$links" ] && { say "LEFT: links $(echo $links)"; left=1; }
        m=$( { iptables -S; iptables -t nat -S; } 2>/dev/null | grep -c -- '-N CNI-')
        [ "$m" -gt 0 ] && [ "${BENCH_CNI_CHAINS_BEFORE:-1}" = 0 ] && { say "LEFT: $m CNI iptables chains"; left=1; }
        [ -n "${BENCH_WHARF_TABLE:-}" ] && nft list table ip "$BENCH_WHARF_TABLE" >/dev/null 2>&1 &&
                { say "LEFT: nft table ip $BENCH_WHARF_TABLE"; left=1; }
        [ $left = 0 ] && say "clean: no process, mount, netns or link left"

        if [ -s "$WORK/report.md" ]; then
                mkdir -p "$BENCH_RESULTS"
                cp "$WORK/report.md" "$BENCH_RESULTS/$BENCH_NAME-$(date -u +%Y%m%dT%H%M%S).md"
                say "report: $BENCH_RESULTS/$BENCH_NAME-*.md"
        fi
        if [ -n "${BENCH_KEEP:-}" ] || [ $left = 1 ]; then
                say "kept $WORK"
        else
                rm -rf "$WORK"
        fi
        exit "$rc"
}
