#!/usr/bin/env bats
# wharf save / load / import (issue 3): round trips through a file with the
# image removed in between, a container run from the loaded image, skopeo
# interoperability both ways, and OCI layout directories.

load helpers

setup_file() { wharf_setup_file; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }

@test "save to a file, rmi, load: the image comes back and runs" {
        wharf_pull_ok "$(BB)"
        wrun save -o "$WHARF_TMP/bb.tar" "$(BB)"
        assert_status 0
        tar -tf "$WHARF_TMP/bb.tar" > "$WHARF_TMP/list"
        for f in manifest.json index.json oci-layout "blobs/sha256/${BUSYBOX_ID#sha256:}"; do
                grep -qx "$f" "$WHARF_TMP/list" || { echo "no $f in:"; cat "$WHARF_TMP/list"; false; }
        done
        ls "$WHARF_TMP"/bb.tar.* 2>/dev/null && { echo "temporary file left"; false; }
        wrun rmi "$(BB)"
        assert_status 0
        wrun load -i "$WHARF_TMP/bb.tar"
        assert_status 0
        assert_output "Loaded image: $(BB):latest"
        wrun image inspect -f '{{.Id}}' "$(BB)"
        assert_output "$BUSYBOX_ID"
        wrun run --rm "$(BB)" echo loaded-ok
        assert_status 0
        assert_output "loaded-ok"
        assert_graph_tmp_empty
        assert_no_leaks
}

@test "save to stdout and load from stdin, -q, by id" {
        wharf_pull_ok "$(BB)"
        wharf save "$(short_id "$BUSYBOX_ID")" > "$WHARF_TMP/byid.tar"
        wrun rmi -f "$(BB)"
        assert_status 0
        run --separate-stderr wharf load -q < "$WHARF_TMP/byid.tar"
        show_run load -q
        assert_status 0
        assert_output "Loaded image ID: $BUSYBOX_ID"
        wrun tag "$BUSYBOX_ID" "$(BB)"
        assert_status 0
}

@test "save refuses a terminal and an unknown image with one line" {
        wrun save nosuchimage:v9 -o "$WHARF_TMP/x.tar"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "No such image: nosuchimage:v9"
        [ ! -e "$WHARF_TMP/x.tar" ]
}

@test "skopeo reads a wharf save (inspect, copy to oci:)" {
        wharf_pull_ok "$(BB)"
        wrun save -o "$WHARF_TMP/sk.tar" "$(BB)"
        assert_status 0
        run skopeo inspect "docker-archive:$WHARF_TMP/sk.tar"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output =~ \"Layers\" ]]
        run skopeo copy "docker-archive:$WHARF_TMP/sk.tar" "oci:$WHARF_TMP/skoci:latest"
        echo "$output"
        [ "$status" -eq 0 ]
        [ -f "$WHARF_TMP/skoci/index.json" ]
}

@test "a docker-archive written by skopeo loads and runs" {
        run skopeo copy --src-tls-verify=false "docker://$(BB)" "docker-archive:$WHARF_TMP/skopeo.tar:skopeo/busybox:v1"
        echo "$output"
        [ "$status" -eq 0 ]
        wrun load -i "$WHARF_TMP/skopeo.tar"
        assert_status 0
        assert_output "Loaded image: skopeo/busybox:v1"
        wrun run --rm skopeo/busybox:v1 echo from-skopeo
        assert_status 0
        assert_output "from-skopeo"
        wrun rmi skopeo/busybox:v1
        assert_status 0
}

@test "an OCI layout tar (skopeo oci-archive) and an OCI directory load" {
        run skopeo copy --src-tls-verify=false "docker://$(BB)" "oci-archive:$WHARF_TMP/oci.tar:docker.io/ocitest/bb:v2"
        echo "$output"
        [ "$status" -eq 0 ]
        wrun load -i "$WHARF_TMP/oci.tar"
        assert_status 0
        assert_output_matches "Loaded image"
        wrun run --rm "$BUSYBOX_ID" true
        assert_status 0
        run skopeo copy --src-tls-verify=false "docker://$(BB)" "oci:$WHARF_TMP/ocidir:docker.io/ocitest/dir:v3"
        [ "$status" -eq 0 ]
        wrun load -i "oci:$WHARF_TMP/ocidir"
        assert_status 0
        assert_output "Loaded image: ocitest/dir:v3"
}

@test "save --format oci-dir writes a layout that loads back" {
        wharf_pull_ok "$(BB)"
        wrun save --format oci-dir -o "$WHARF_TMP/out-oci" "$(BB)"
        assert_status 0
        [ -f "$WHARF_TMP/out-oci/oci-layout" ] && [ -f "$WHARF_TMP/out-oci/index.json" ]
        [ -f "$WHARF_TMP/out-oci/blobs/sha256/${BUSYBOX_ID#sha256:}" ]
        run skopeo inspect "oci:$WHARF_TMP/out-oci"
        echo "$output"
        [ "$status" -eq 0 ]
        wrun rmi -f "$(BB)"
        wrun load -i "oci:$WHARF_TMP/out-oci"
        assert_status 0
        assert_output "Loaded image: $(BB):latest"
}

@test "import a rootfs tarball (plain and gzip) as a single-layer image" {
        mkdir -p "$WHARF_TMP/rootfs/etc"
        echo imported > "$WHARF_TMP/rootfs/etc/hello"
        tar -C "$WHARF_TMP/rootfs" -cf "$WHARF_TMP/rootfs.tar" .
        wrun import "$WHARF_TMP/rootfs.tar" example.com/imported:v1
        assert_status 0
        assert_output_matches '^sha256:[0-9a-f]{64}$'
        id=$output
        wrun image inspect -f '{{json .RootFS.Layers}}' example.com/imported:v1
        [ "$(grep -o sha256: <<<"$output" | wc -l)" -eq 1 ]
        wrun run --rm example.com/imported:v1 /nonexistent
        [ "$status" -eq 127 ]
        wrun history example.com/imported:v1
        assert_output_matches "Imported from -"
        gzip -c "$WHARF_TMP/rootfs.tar" > "$WHARF_TMP/rootfs.tgz"
        run --separate-stderr wharf import - < "$WHARF_TMP/rootfs.tgz"
        show_run import -
        assert_status 0
        assert_output_matches '^sha256:'
        wrun import "$WHARF_TMP/nonexistent.tar"
        assert_failure
        assert_one_error_line
}

# skopeo's oci:DIR:TAG: the org.opencontainers.image.ref.name of an entry
@test "load -i oci:DIR:TAG picks the image tagged TAG in a layout of several (skopeo-made)" {
        local wo=$REGISTRY/library/whiteout L=$WHARF_TMP/two
        wharf_pull_ok "$(BB)"
        wharf_pull_ok "$wo"
        wrun save -o "$WHARF_TMP/bb-a.tar" "$(BB)"
        assert_status 0
        wrun save -o "$WHARF_TMP/wo-b.tar" "$wo"
        assert_status 0
        run skopeo copy "docker-archive:$WHARF_TMP/bb-a.tar" "oci:$L:tagA"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        run skopeo copy "docker-archive:$WHARF_TMP/wo-b.tar" "oci:$L:tagB"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ "$(jq '.manifests | length' "$L/index.json")" = 2 ]
        # skopeo rewrote the configs as OCI ones: the ids to expect are its
        local id_a id_b
        id_a=$(skopeo inspect --raw "oci:$L:tagA" | jq -r .config.digest)
        id_b=$(skopeo inspect --raw "oci:$L:tagB" | jq -r .config.digest)
        [ -n "$id_a" ] && [ -n "$id_b" ] && [ "$id_a" != "$id_b" ]

        wrun load -i "oci:$L:tagB"
        assert_status 0
        # a bare tag names no repository: docker shows the id
        assert_output "Loaded image ID: $id_b"
        # the whiteout image's three layers, not busybox's one
        wrun image inspect -f '{{json .RootFS.Layers}}' "$id_b"
        [ "$(grep -o sha256: <<<"$output" | wc -l)" -eq 3 ]
        wrun load -i "oci:$L:tagA"
        assert_output "Loaded image ID: $id_a"

        # several images and no tag, or an unknown tag: one clear error
        wrun load -i "oci:$L"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "holds 2 images: choose one with oci:DIR:TAG"
        wrun load -i "oci:$L:nope"
        assert_failure
        assert_one_error_line
        assert_stderr_matches 'no image named "nope"'
}

@test "save -o oci:DIR:TAG adds the image to a layout under TAG; skopeo reads each" {
        local wo=$REGISTRY/library/whiteout S=$WHARF_TMP/saved
        wharf_pull_ok "$(BB)"
        wharf_pull_ok "$wo"
        wrun save -o "oci:$S:t" "$(BB)"
        assert_status 0
        run skopeo inspect --config "oci:$S:t"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        wrun save -o "oci:$S:u" "$wo"
        assert_status 0
        [ "$(jq '.manifests | length' "$S/index.json")" = 2 ]
        # each tag is its image (the config digest is the image id)
        run skopeo inspect --raw "oci:$S:t"
        [ "$status" -eq 0 ]
        [ "$(jq -r .config.digest <<<"$output")" = "$BUSYBOX_ID" ]
        run skopeo inspect --raw "oci:$S:u"
        [ "$status" -eq 0 ]
        [ "$(jq -r .config.digest <<<"$output")" = "$WHITEOUT_ID" ]
        # saving again under t replaces it, u stays
        wrun save -o "oci:$S:t" "$wo"
        assert_status 0
        [ "$(jq '.manifests | length' "$S/index.json")" = 2 ]
        run skopeo inspect --raw "oci:$S:t"
        [ "$(jq -r .config.digest <<<"$output")" = "$WHITEOUT_ID" ]
        # a tag names one image
        wrun save -o "oci:$S:v" "$(BB)" "$wo"
        assert_failure
        assert_one_error_line
}

@test "an index.json entry that is itself an image index: the host's image is loaded" {
        local N=$WHARF_TMP/nested
        run skopeo copy --all --src-tls-verify=false "docker://$REGISTRY/library/ocibox:latest" "oci:$N:multi"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ "$(jq -r '.manifests[0].mediaType' "$N/index.json")" = application/vnd.oci.image.index.v1+json ]
        wrun rmi -f "$OCIBOX_ID"
        wrun load -i "oci:$N:multi"
        assert_status 0
        assert_output "Loaded image ID: $OCIBOX_ID"
        wrun run --rm "$OCIBOX_ID"
        assert_status 0
        assert_output "ocibox linux/amd64"
        wrun image inspect -f '{{.Id}}' "$OCIBOX_ARM_ID"
        assert_failure
}
