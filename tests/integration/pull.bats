#!/usr/bin/env bats
# pull / images / rmi on a fresh store, and pulls that must fail cleanly:
# unreachable registry, digest and diff_id mismatches, corrupt tarballs, and
# backends that die in the middle of a pull.

load helpers

setup_file() { wharf_setup_file --big; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

# REPOSITORY TAG IMAGE-ID of every image (the CREATED column moves with time)
image_rows() {
        wharf images </dev/null | awk 'NR > 1 { print $1, $2, $3 }' | LC_ALL=C sort
}

# A pull that must fail: non-zero, one line on stderr, and the store exactly
# as before (no new layer, nothing in the temp area, same images).
assert_pull_fails_cleanly() {
        local ref=$1 layers_before images_before
        layers_before=$(graph_layers)
        images_before=$(image_rows)
        wrun pull "$ref"
        assert_failure
        assert_one_error_line
        [ "$status" -ne 124 ] || { echo "pull timed out"; return 1; }
        [ "$(graph_layers)" = "$layers_before" ] || { echo "layers changed:"; diff <(echo "$layers_before") <(graph_layers); return 1; }
        [ -z "$(graph_tmp)" ] || { echo "partial data left in lib/graph/tmp:"; graph_tmp; return 1; }
        [ "$(image_rows)" = "$images_before" ] || { echo "images changed"; return 1; }
}

@test "pull, images, pull again (up to date), rmi: the store ends empty" {
        [ -z "$(image_rows)" ] || { echo "store not empty at start"; false; }
        wrun pull "$REGISTRY/library/busybox"
        assert_status 0
        wrun images
        assert_status 0
        [[ ${lines[0]} =~ ^REPOSITORY[[:space:]]+TAG[[:space:]]+IMAGE\ ID ]] || { echo "bad header"; false; }
        [ "$(image_rows)" = "$REGISTRY/library/busybox latest $(short_id "$BUSYBOX_ID")" ] ||
                { echo "images: $(image_rows)"; false; }
        [ -n "$(graph_layers)" ] || { echo "no layer under $STATE/lib/graph/layers"; false; }

        wrun pull "$REGISTRY/library/busybox:latest"
        assert_status 0
        [[ "$output $stderr" =~ [Uu]p\ to\ date ]] || { echo "second pull does not say up to date"; false; }
        [ "$(image_rows | wc -l)" -eq 1 ]

        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
        assert_output_matches "Untagged: "
        assert_output_matches "Deleted: sha256:${BUSYBOX_ID#sha256:}"
        [ -z "$(image_rows)" ] || { echo "still listed: $(image_rows)"; false; }
        [ -z "$(graph_layers)" ] || { echo "layers left:"; graph_layers; false; }
        [ -z "$(graph_tmp)" ]
        wrun rmi "$REGISTRY/library/busybox"
        assert_failure
        assert_one_error_line
}

@test "pull by digest and by familiar name; layers are shared between images" {
        wrun pull "$REGISTRY/library/busybox@$BUSYBOX_DIGEST"
        assert_status 0
        wrun pull "$REGISTRY/library/busybox"
        assert_status 0
        local n1
        n1=$(graph_layers | wc -l)
        # whiteout's first layer is busybox's: only two layers are added
        wrun pull "$REGISTRY/library/whiteout"
        assert_status 0
        [ "$(graph_layers | wc -l)" -eq $((n1 + 2)) ] || { echo "layers: $(graph_layers | wc -l), expected $((n1 + 2))"; false; }
        wrun rmi "$REGISTRY/library/whiteout"
        assert_status 0
        [ "$(graph_layers | wc -l)" -eq "$n1" ] || { echo "shared layer removed or layers left"; false; }
}

@test "unreachable registry: non-zero, one line" {
        local port
        port=$(fixtures_free_port)
        assert_pull_fails_cleanly "127.0.0.1:$port/library/busybox"
        wrun run --rm "127.0.0.1:$port/library/busybox" true
        assert_status 125
        assert_one_error_line
}

@test "unknown repository and unknown tag: non-zero, one line" {
        assert_pull_fails_cleanly "$REGISTRY/library/no-such-repo"
        assert_pull_fails_cleanly "$REGISTRY/library/busybox:no-such-tag"
}

@test "diff_id mismatch: the pull fails and leaves no partial layer" {
        assert_pull_fails_cleanly "$REGISTRY/library/badlayer"
}

@test "blob digest mismatch (blob altered on the registry): fails, no partial layer" {
        assert_pull_fails_cleanly "$REGISTRY/library/tampered"
}

@test "corrupt tarball (gzip of a broken tar): fails, no partial layer" {
        assert_pull_fails_cleanly "$REGISTRY/library/corrupt"
}

@test "corrupt layer (not gzip at all): fails, no partial layer" {
        assert_pull_fails_cleanly "$REGISTRY/library/corrupt:notgzip"
}

@test "run of a broken image fails with 125 and leaves no container" {
        wrun run --rm "$REGISTRY/library/badlayer" true
        assert_status 125
        assert_one_error_line
        assert_no_containers
        assert_no_leaks
}


@test "graphd dies while a pull waits on it: one error line, the next pull works" {
        wrun images                     # activates wharfd and graphd
        assert_status 0
        local gpid ref=$REGISTRY/library/ocibox pullpid
        gpid=$(name_pid org.wharf.Graph1)
        [ -n "$gpid" ]
        kill -STOP "$gpid"
        wharf pull "$ref" >"$WHARF_TMP/pull.out" 2>"$WHARF_TMP/pull.err" </dev/null &
        pullpid=$!
        sleep 2                         # the pull job now waits on graphd
        kill -KILL "$gpid"
        local rc=0
        wait "$pullpid" || rc=$?
        status=$rc output=$(cat "$WHARF_TMP/pull.out") stderr=$(cat "$WHARF_TMP/pull.err")
        show_run pull "$ref"
        assert_failure
        [ "$status" -ne 124 ] || { echo "pull hung"; false; }
        assert_one_error_line
        # re-activated on the next call
        wrun pull "$ref"
        assert_status 0
        [ "$(name_pid org.wharf.Graph1)" != "$gpid" ]
        [ -z "$(graph_tmp)" ] || { echo "partial data left"; graph_tmp; false; }
        wrun rmi "$ref"
        assert_status 0
        assert_no_leaks
}

@test "graphd killed in the middle of a layer ingest: one error line, no partial layer, next pull works" {
        local ref=$REGISTRY/library/big gpid pullpid i caught=0 layers_before
        wrun images
        assert_status 0
        layers_before=$(graph_layers)
        gpid=$(name_pid org.wharf.Graph1)
        wharf pull "$ref" >"$WHARF_TMP/pull.out" 2>"$WHARF_TMP/pull.err" </dev/null &
        pullpid=$!
        # graphd unpacks in a forked child: kill graphd while that child runs
        for ((i = 0; i < 1500; i++)); do
                if [ -n "$(pgrep -P "$gpid")" ]; then
                        kill -KILL "$gpid"; caught=1; break
                fi
                kill -0 "$pullpid" 2>/dev/null || break
                sleep 0.02
        done
        local rc=0
        wait "$pullpid" || rc=$?
        status=$rc output=$(cat "$WHARF_TMP/pull.out") stderr=$(cat "$WHARF_TMP/pull.err")
        show_run pull "$ref"
        [ "$caught" = 1 ] || { echo "no ingest worker of graphd ($gpid) seen during the pull"; false; }
        assert_failure
        [ "$status" -ne 124 ] || { echo "pull hung"; false; }
        assert_one_error_line
        [ "$(graph_layers)" = "$layers_before" ] || { echo "a layer appeared"; false; }
        wrun pull "$ref"
        assert_status 0
        [ -z "$(graph_tmp)" ] || { echo "partial data left after restart"; graph_tmp; false; }
        wrun rmi "$ref"
        assert_status 0
        assert_no_leaks
}

@test "registryd dies while resolving: one error line, the next pull works" {
        local rpid ref=$REGISTRY/library/whiteout pullpid
        # make sure registryd runs, then freeze it
        wrun pull "$REGISTRY/library/busybox"
        assert_status 0
        rpid=$(name_pid org.wharf.Registry1)
        [ -n "$rpid" ]
        kill -STOP "$rpid"
        wharf pull "$ref" >"$WHARF_TMP/pull.out" 2>"$WHARF_TMP/pull.err" </dev/null &
        pullpid=$!
        sleep 2
        kill -KILL "$rpid"
        local rc=0
        wait "$pullpid" || rc=$?
        status=$rc output=$(cat "$WHARF_TMP/pull.out") stderr=$(cat "$WHARF_TMP/pull.err")
        show_run pull "$ref"
        assert_failure
        [ "$status" -ne 124 ] || { echo "pull hung"; false; }
        assert_one_error_line
        wrun pull "$ref"
        assert_status 0
        assert_no_leaks
}

# Layers are synced after the pull answers (services/graphd/store-sync.h).
unsynced() { find "$STATE/lib/graph/unsynced" -type f 2>/dev/null || true; }

@test "a pulled layer's unsynced marker goes once graphd's sync has run" {
        local ref=$REGISTRY/library/whiteout i
        wrun pull "$ref"
        assert_status 0
        for ((i = 0; i < 100; i++)); do
                [ -z "$(unsynced)" ] && break
                sleep 0.1
        done
        [ -z "$(unsynced)" ] || { echo "markers left after 10 s:"; unsynced; false; }
        wrun rmi "$ref"
        assert_status 0
}

@test "layers not synced before the machine went down are dropped at start, with their image; the next pull fetches them" {
        local ref=$REGISTRY/library/whiteout id top fake
        wrun pull "$ref"
        assert_status 0
        wrun run --rm "$ref" true
        assert_status 0
        # as if the machine went down before the sync: a marker of another
        # boot for the image's top layer
        id=$(wharf images -q --no-trunc "$ref" </dev/null)
        top=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["layers"][-1])' \
                "$STATE/lib/graph/images/${id#sha256:}/image.json")
        top=${top#sha256:}
        [ -n "$top" ] && [ -d "$STATE/lib/graph/layers/$top" ] || { echo "no top layer found for $id"; false; }
        fake="$STATE/lib/graph/unsynced/00000000-0000-0000-0000-000000000000"
        mkdir -p "$fake"
        : > "$fake/layer-$top"
        kill_daemons Graph1
        wrun images                       # graphd starts again and recovers
        assert_status 0
        refute_output_matches "library/whiteout"
        [ ! -e "$STATE/lib/graph/layers/$top" ] || { echo "layer $top kept"; false; }
        [ ! -e "$fake" ] || { echo "marker dir kept"; false; }
        wrun run --rm "$ref" true         # pulls it again
        assert_status 0
        [ -e "$STATE/lib/graph/layers/$top" ] || { echo "layer $top not fetched again"; false; }
        wrun rmi "$ref"
        assert_status 0
        assert_no_leaks
}
