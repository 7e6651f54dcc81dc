#!/usr/bin/env bats
# wharfd refuses a manifest with more layers than graphd's limit
# (ROOT/graph/limits.conf max_layers, Graph1.MaxLayers) before it asks for
# any layer: the registry serves no layer blob, the store is unchanged.

load helpers
load img-registry-helpers

setup_file() {
        img_registry_setup_file
        IMG_REGISTRY_ACCESSLOG=1 extra_registry_start logged > "$IMG_CONF_DIR/logged.addr"
}
teardown_file() { img_registry_teardown_file; }
teardown() {
        rm -f "$STATE/lib/graph/limits.conf"
        wharf_teardown
}

LOGGED_LOG() { echo "$IMG_CONF_DIR/reg-logged/log"; }

# the layer blobs of whiteout:latest the registry was asked for
layer_requests() {
        local d n=0
        for d in $(jq -r '.layers[].digest' "$WHARF_TMP/fixtures/images/blobs/sha256/${WHITEOUT_DIGEST#sha256:}"); do
                n=$((n + $(grep -c "/blobs/$d" "$(LOGGED_LOG)" || true)))
        done
        echo "$n"
}

@test "Graph1.MaxLayers reads limits.conf at each Get" {
        run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.wharf.Graph1 /org/wharf/Graph1 \
                org.wharf.Graph1 MaxLayers
        assert_status 0
        assert_output "u 128"
        printf 'max_layers = 7\n' > "$STATE/lib/graph/limits.conf"
        run busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.wharf.Graph1 /org/wharf/Graph1 \
                org.wharf.Graph1 MaxLayers
        assert_output "u 7"
}

@test "a manifest with more layers than max_layers is refused before any layer is fetched" {
        local reg layers_before images_before
        reg=$(cat "$IMG_CONF_DIR/logged.addr")
        layers_before=$(graph_layers)
        wrun images -q --no-trunc
        images_before=$output
        printf 'max_layers = 2\n' > "$STATE/lib/graph/limits.conf"

        wrun pull "$reg/library/whiteout"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "image has 3 layers, more than the limit of 2"
        # the manifest was asked for (the log works), no layer blob was
        grep -q "/v2/library/whiteout/manifests/latest" "$(LOGGED_LOG)" ||
                { echo "no manifest request in the access log"; cat "$(LOGGED_LOG)"; false; }
        [ "$(layer_requests)" = 0 ] || { echo "layer blobs were fetched:"; cat "$(LOGGED_LOG)"; false; }
        [ "$(graph_layers)" = "$layers_before" ]
        [ -z "$(graph_tmp)" ]
        wrun images -q --no-trunc
        [ "$output" = "$images_before" ]

        # within the limit the same image pulls, layers fetched this time
        printf 'max_layers = 3\n' > "$STATE/lib/graph/limits.conf"
        wharf_pull_ok "$reg/library/whiteout"
        [ "$(layer_requests)" -gt 0 ]
        assert_no_leaks
}
