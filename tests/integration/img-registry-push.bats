#!/usr/bin/env bats
# wharf push to a second local registry; skopeo (an independent client)
# inspects and copies what was pushed; wharf pulls it back; a second
# repository of the same registry gets the layers by cross-repository mount.
#
# Images get a name on the target registry through a mirror: the target
# (empty) has the fixtures registry as mirror, so `wharf pull TARGET/x`
# stores the image as TARGET/x without `wharf tag`.
#
# Needs graphd's OpenBlob/GetManifest (Graph1, issue 3's store work): the
# tests skip while graphd lacks them.

load helpers
load img-registry-helpers

setup_file() {
        img_registry_setup_file || return 1
        TARGET=$(extra_registry_start target empty) || return 1
        export TARGET
        # library/busybox as other/busybox too, on the mirror side
        skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
                "docker://$REGISTRY/library/busybox" "docker://$REGISTRY/other/busybox" >/dev/null 2>&1 || return 1
        printf '[registry "%s"]\nmirror = %s\n' "$TARGET" "$REGISTRY" > "$WHARF_REGISTRIES_CONF"
}
teardown_file() { img_registry_teardown_file; }
teardown() { wharf_teardown; }

need_graph_blobs() {
        busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" introspect org.wharf.Graph1 /org/wharf/Graph1 org.wharf.Graph1 \
                2>/dev/null | grep -q '^\.OpenBlob' || skip "graphd has no OpenBlob yet"
}

@test "push of an image that is not there: one error line" {
        wrun push "$TARGET/library/nothing:here"
        assert_failure
        assert_one_error_line
}

@test "push to a second registry: Preparing/Pushed lines and the digest line" {
        need_graph_blobs
        wrun pull "$TARGET/library/busybox"
        assert_status 0
        wrun push "$TARGET/library/busybox"
        assert_status 0
        assert_output_matches "The push refers to repository \\[$TARGET/library/busybox\\]"
        assert_output_matches "[0-9a-f]{12}: Pushed"
        assert_output_matches "latest: digest: sha256:[0-9a-f]{64} size: [0-9]+"
}

@test "skopeo inspects and copies the pushed image" {
        need_graph_blobs
        run skopeo inspect --tls-verify=false "docker://$TARGET/library/busybox:latest"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ "$(jq -r .Architecture <<< "$output")" = amd64 ]
        run skopeo copy -q --src-tls-verify=false "docker://$TARGET/library/busybox:latest" "dir:$IMG_CONF_DIR/copy"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ -s "$IMG_CONF_DIR/copy/manifest.json" ]
}

@test "pushing again: every layer already exists" {
        need_graph_blobs
        wrun push "$TARGET/library/busybox"
        assert_status 0
        assert_output_matches "Layer already exists"
        refute_output_matches ": Pushed"
}

@test "the pushed image pulls back with wharf (mirror gone)" {
        need_graph_blobs
        wrun rmi "$TARGET/library/busybox"
        assert_status 0
        registries_conf < /dev/null
        wrun pull "$TARGET/library/busybox"
        assert_status 0
        wrun run --rm "$TARGET/library/busybox" echo pushed
        assert_status 0
        assert_output "pushed"
}

@test "another repository of the same registry: layers mounted, not uploaded" {
        need_graph_blobs
        printf '[registry "%s"]\nmirror = %s\n' "$TARGET" "$REGISTRY" | registries_conf
        wrun pull "$TARGET/other/busybox"
        assert_status 0
        wrun push "$TARGET/other/busybox"
        assert_status 0
        assert_output_matches "Mounted from library/busybox"
        run skopeo inspect --tls-verify=false "docker://$TARGET/other/busybox:latest"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "push -q prints the reference only" {
        need_graph_blobs
        wrun push -q "$TARGET/other/busybox"
        assert_status 0
        assert_output "$TARGET/other/busybox"
}

@test "no leaks" {
        assert_no_leaks
}
