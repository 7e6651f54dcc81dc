#!/usr/bin/env bats
# Crash safety of wharf load (issue 3): kill -9 of graphd, and separately
# of wharfd, in the middle of loading a big archive. The command fails with
# one line, no partial layer or image is visible, tmp/ is emptied (at
# graphd's next start, or when graphd abandons the load of a caller that
# left), and the next load succeeds.

load helpers

setup_file() { wharf_setup_file --big; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }


big_archive() {
        [ -s "$WHARF_TMP/big.tar" ] && return 0
        wharf_pull_ok "$REGISTRY/library/big"
        run --separate-stderr wharf save -o "$WHARF_TMP/big.tar" "$REGISTRY/library/big" </dev/null
        [ "$status" -eq 0 ] || { show_run save; return 1; }
        run --separate-stderr wharf rmi "$REGISTRY/library/big" </dev/null
        [ "$status" -eq 0 ] || { show_run rmi; return 1; }
}

# wait until the load has written a few MB below tmp/
wait_loading() {
        local i
        for ((i = 0; i < 600; i++)); do
                find "$STATE/lib/graph/tmp" -type f -size +4M 2>/dev/null | grep -q . && return 0
                sleep 0.05
        done
        echo "the load never got going"
        return 1
}

# no image, only complete layers, tmp/ empty (waits for background removal)
assert_nothing_partial() {
        local d
        run --separate-stderr wharf images -q --no-trunc </dev/null
        [ "$status" -eq 0 ] || { show_run images; return 1; }
        ! grep -q "$BIG_ID" <<<"$output" || { echo "the image appeared"; return 1; }
        for d in "$STATE"/lib/graph/layers/*/; do
                [ -d "$d" ] || continue
                [ -f "$d/layer.json" ] || { echo "partial layer $d"; return 1; }
        done
        assert_graph_tmp_empty
}

load_ok() {
        run --separate-stderr wharf load -i "$WHARF_TMP/big.tar" </dev/null
        [ "$status" -eq 0 ] || { show_run load; return 1; }
        [ "$output" = "Loaded image: $REGISTRY/library/big:latest" ] || { show_run load; return 1; }
        run --separate-stderr wharf rmi "$REGISTRY/library/big" </dev/null
        [ "$status" -eq 0 ] || { show_run rmi; return 1; }
}

@test "kill -9 graphd in the middle of a load" {
        big_archive
        wharf images >/dev/null </dev/null
        gpid=$(name_pid Graph1)
        [ -n "$gpid" ]
        wharf load -i "$WHARF_TMP/big.tar" >"$WHARF_TMP/out" 2>"$WHARF_TMP/err" </dev/null &
        lpid=$!
        wait_loading
        kill -9 "$gpid"
        rc=0
        wait "$lpid" || rc=$?
        cat "$WHARF_TMP/err"
        [ "$rc" -ne 0 ]
        [ "$(grep -c . "$WHARF_TMP/err")" -eq 1 ]
        grep -q "graphd" "$WHARF_TMP/err"
        assert_nothing_partial
        load_ok
}

@test "kill -9 wharfd in the middle of a load: graphd abandons it" {
        big_archive
        wharf images >/dev/null </dev/null
        epid=$(name_pid Engine1)
        [ -n "$epid" ]
        wharf load -i "$WHARF_TMP/big.tar" >"$WHARF_TMP/out" 2>"$WHARF_TMP/err" </dev/null &
        lpid=$!
        wait_loading
        kill -9 "$epid"
        rc=0
        wait "$lpid" || rc=$?
        cat "$WHARF_TMP/err"
        [ "$rc" -ne 0 ]
        [ "$(grep -c . "$WHARF_TMP/err")" -eq 1 ]
        assert_nothing_partial
        load_ok
}
