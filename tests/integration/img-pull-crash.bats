#!/usr/bin/env bats
# Crash safety of pull (issue 3): kill -9 of registryd, graphd or wharfd at
# several points of a pull of the big image (one 96 MiB layer). Each time
# the pull either fails with one line or, killed late, succeeds; the store
# stays consistent (every visible layer complete with its blob and parent,
# every image's layers present, no partial data once graphd is back); and
# the next pull completes.

load helpers

setup_file() { wharf_setup_file --big; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

# Every layer in layers/ complete (layer.json, diff/, its blob, its parent),
# every image's layers there.
assert_store_consistent() {
        python3 - "$STATE/lib/graph" <<'PY'
import json, os, sys
g = sys.argv[1]
bad = []
def present(kind, digest):
    path = f"{g}/{kind}/{digest.split(':', 1)[1]}"
    return os.path.exists(path + ("/layer.json" if kind == "layers" else ""))
for h in os.listdir(f"{g}/layers"):
    d = f"{g}/layers/{h}"
    try:
        with open(f"{d}/layer.json") as f:
            layer = json.load(f)
    except Exception as e:
        bad.append(f"layer {h}: {e}")
        continue
    if not os.path.isdir(f"{d}/diff"):
        bad.append(f"layer {h}: no diff/")
    if layer.get("blob_digest") and not present("blobs/sha256", layer["blob_digest"]):
        bad.append(f"layer {h}: blob {layer['blob_digest']} missing")
    if layer.get("parent") and not present("layers", layer["parent"]):
        bad.append(f"layer {h}: parent {layer['parent']} missing")
for i in os.listdir(f"{g}/images"):
    with open(f"{g}/images/{i}/image.json") as f:
        image = json.load(f)
    bad += [f"image {i}: layer {c} missing" for c in image["layers"] if not present("layers", c)]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}

# crash_pulls DAEMON: kill -9 DAEMON at several points of a pull
crash_pulls() {
        local daemon=$1 ref=$REGISTRY/library/big delay pullpid rc failed=0
        for delay in 0.05 0.2 0.4 0.8 1.5; do
                wharf images >/dev/null </dev/null || { echo "images failed"; return 1; }
                wharf rmi "$ref" >/dev/null 2>&1 </dev/null || true
                wharf pull "$ref" >"$WHARF_TMP/out" 2>"$WHARF_TMP/err" </dev/null &
                pullpid=$!
                sleep "$delay"
                kill_daemons "$daemon"
                rc=0
                wait "$pullpid" || rc=$?
                echo "# kill -9 $daemon after ${delay}s: pull exit $rc: $(head -c 200 "$WHARF_TMP/err")" >&3
                [ "$rc" -ne 124 ] || { echo "pull hung after kill -9 $daemon at ${delay}s"; return 1; }
                if [ "$rc" -ne 0 ]; then
                        [ "$rc" -eq 1 ] || { echo "pull exit $rc, not docker's 1"; cat "$WHARF_TMP/err"; return 1; }
                        failed=$((failed + 1))
                        [ "$(grep -c . "$WHARF_TMP/err")" -eq 1 ] ||
                                { echo "not one error line:"; cat "$WHARF_TMP/err"; return 1; }
                fi
                assert_store_consistent || { echo "after kill -9 $daemon at ${delay}s"; return 1; }
        done
        [ "$failed" -gt 0 ] || { echo "no pull was interrupted by kill -9 $daemon"; return 1; }
        run --separate-stderr wharf pull "$ref" </dev/null
        [ "$status" -eq 0 ] || { show_run pull "$ref"; return 1; }
        run --separate-stderr wharf images -q --no-trunc </dev/null
        grep -q "$BIG_ID" <<<"$output" || { echo "big is not listed after the pull"; return 1; }
        assert_graph_tmp_empty
        assert_store_consistent
        run --separate-stderr wharf rmi "$ref" </dev/null
        [ "$status" -eq 0 ] || { show_run rmi "$ref"; return 1; }
        assert_no_leaks
}

@test "pull survives kill -9 of registryd at any point: consistent store, next pull completes" {
        crash_pulls Registry1
}

@test "pull survives kill -9 of graphd at any point: consistent store, next pull completes" {
        crash_pulls Graph1
}

@test "pull survives kill -9 of wharfd at any point: consistent store, next pull completes" {
        crash_pulls Engine1
}
