#!/usr/bin/env bats
# wharf load of hostile or broken archives: one clear error line, non-zero
# exit, the store unchanged (images, layers, blobs, nothing left in tmp/).

load helpers

setup_file() { wharf_setup_file; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

MKTAR() { python3 "$WHARF_SRCDIR/tests/integration/img-archive-mktar.py" "$@"; }

store_state() {
        wharf images -q --no-trunc 2>/dev/null | sort
        ls -A "$STATE/lib/graph/layers" "$STATE/lib/graph/blobs/sha256" 2>/dev/null | sort
}

# refused KIND REGEX: the load fails with one line matching REGEX; nothing changes
refused() {
        local before after i
        MKTAR "$1" "$WHARF_TMP/$1.tar"
        before=$(store_state)
        wrun load -i "$WHARF_TMP/$1.tar"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "$2"
        after=$(store_state)
        [ "$before" = "$after" ] || { echo "store changed:"; diff <(echo "$before") <(echo "$after"); false; }
        # the work directory goes in the background: give it a moment
        assert_graph_tmp_empty
}

@test "a well-formed generated archive loads (the generator is sound)" {
        MKTAR good "$WHARF_TMP/good.tar"
        wrun load -i "$WHARF_TMP/good.tar"
        assert_status 0
        assert_output "Loaded image: hostile/img:v1"
        wrun rmi hostile/img:v1
        assert_status 0
}

@test "an entry with .. in the archive is refused" {
        refused traversal "path \.\./\.\./escaped leaves the archive"
        [ ! -e "$WHARF_TMP/../escaped" ]
}

@test "a config whose digest does not match its name is refused" {
        refused config-digest "digest mismatch: config"
}

@test "a manifest.json over the cap is refused" {
        refused big-manifest "manifest.json is larger than 4194304 bytes"
}

@test "a missing layer file is refused" {
        refused missing-layer "layer blobs/sha256/1111.* is missing"
}

@test "a layer whose diff_id does not match the config is refused" {
        refused diff-id "diff_id mismatch"
}

@test "a layer entry leaving the layer is refused like a pulled one" {
        refused layer-escape "corrupt layer"
        [ ! -e /tmp/wharf-escaped ]
}

@test "garbage and an empty input give one line" {
        head -c 10000 /dev/urandom > "$WHARF_TMP/garbage"
        wrun load -i "$WHARF_TMP/garbage"
        assert_failure
        assert_one_error_line
        : > "$WHARF_TMP/empty"
        wrun load -i "$WHARF_TMP/empty"
        assert_failure
        assert_one_error_line
}
