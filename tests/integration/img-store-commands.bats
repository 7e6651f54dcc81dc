#!/usr/bin/env bats
# Store side of issue 3: blobs kept with the layers, zstd layers, metadata
# preserved, tag / inspect / history / images filters / prune / system df,
# and hostile layers refused (device outside /dev, decompression ratio,
# too many layers).

load helpers

setup_file() { wharf_setup_file; }
teardown_file() { wharf_teardown_file; }
teardown() {
        rm -f "$STATE/lib/graph/limits.conf"
        wharf_teardown
}

blob_file() { echo "$STATE/lib/graph/blobs/sha256/${1#sha256:}"; }

@test "a pulled layer's blob is stored content-addressed, and goes with the image" {
        wharf_pull_ok "$REGISTRY/library/busybox"
        [ -f "$(blob_file "$BUSYBOX_LAYER")" ] || { echo "no layer blob"; ls -la "$STATE/lib/graph/blobs/sha256"; false; }
        [ "sha256:$(sha256sum < "$(blob_file "$BUSYBOX_LAYER")" | cut -d' ' -f1)" = "$BUSYBOX_LAYER" ]
        [ -f "$(blob_file "$BUSYBOX_ID")" ] || { echo "no config blob"; false; }
        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
        [ -z "$(ls -A "$STATE/lib/graph/blobs/sha256")" ] || { echo "blobs left:"; ls "$STATE/lib/graph/blobs/sha256"; false; }
}

@test "zstd layers are pulled and run" {
        wharf_pull_ok "$REGISTRY/library/zstdbox"
        [ -f "$(blob_file "$ZSTDBOX_LAYER")" ]
        wrun run --rm "$REGISTRY/library/zstdbox" cat /etc/group
        assert_status 0
        assert_output_matches "nobody"
        wrun rmi "$REGISTRY/library/zstdbox"
        assert_status 0
        assert_no_leaks
}

@test "file capabilities, xattrs, hard links and devices below /dev are kept" {
        local layer
        wharf_pull_ok "$REGISTRY/library/meta"
        layer=$(grep -l '"size"' "$STATE"/lib/graph/layers/*/layer.json | while read -r f; do
                d=${f%/layer.json}/diff; if [ -e "$d/bin/capped" ]; then echo "$d"; fi; done)
        [ -n "$layer" ] || { echo "no layer with bin/capped"; false; }
        run getcap "$layer/bin/capped"
        [[ $output =~ cap_net_bind_service[=+]ep ]] || { echo "getcap: $output"; false; }
        [ "$(stat -c %i "$layer/bin/capped")" = "$(stat -c %i "$layer/bin/hardlink")" ]
        [ -c "$layer/dev/null" ] && [ -p "$layer/dev/fifo" ]
        wrun rmi "$REGISTRY/library/meta"
        assert_status 0
}

@test "tag, images --digests/--filter, inspect, history, untag with rmi" {
        wharf_pull_ok "$REGISTRY/library/busybox"
        wrun tag "$REGISTRY/library/busybox" example.com/mine:v1
        assert_status 0
        wrun images --filter reference='example.com/*'
        assert_status 0
        [ "${#lines[@]}" -eq 2 ] && [[ ${lines[1]} =~ ^example.com/mine\ +v1\ +$(short_id "$BUSYBOX_ID") ]] ||
                { echo "filter: $output"; false; }
        # docker's glob: '*' stops at '/'
        wrun images --filter reference='*:v1' -q
        assert_output ""
        wrun images --filter reference='example.com/*:v1' -q
        assert_output "$(short_id "$BUSYBOX_ID")"
        wrun images --filter dangling=true -q
        assert_output ""
        wrun images --filter bogus=1
        assert_failure
        wrun images --digests
        assert_status 0
        [[ ${lines[0]} =~ DIGEST ]] && [[ $output =~ $BUSYBOX_DIGEST ]] || { echo "no digest column"; false; }

        wrun image inspect example.com/mine:v1
        assert_status 0
        [ "$(jq -r '.[0].Id' <<< "$output")" = "$BUSYBOX_ID" ]
        [ "$(jq -r '.[0].RootFS.Layers[0]' <<< "$output")" = "$BUSYBOX_DIFF_ID" ]
        [ "$(jq -r '.[0].RepoTags | length' <<< "$output")" = 2 ]
        [ "$(jq -r '.[0].Config.Cmd[0]' <<< "$output")" = sh ]
        wrun image inspect -f '{{.Os}}/{{.Architecture}} {{json .Config.Cmd}}' "$BUSYBOX_ID"
        assert_output 'linux/amd64 ["sh"]'
        wrun image inspect nosuch:image
        assert_failure
        assert_one_error_line

        wrun history example.com/mine:v1
        assert_status 0
        [[ ${lines[0]} =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT ]] || { echo "header"; false; }
        [[ ${lines[1]} =~ ^$(short_id "$BUSYBOX_ID") ]] && [[ ${lines[1]} =~ fixtures ]]

        wrun image rm example.com/mine:v1
        assert_status 0
        assert_output "Untagged: example.com/mine:v1"
        images_has "$REGISTRY/library/busybox" latest
}

@test "image prune: dangling only, then -a; system df" {
        local n
        wharf_pull_ok "$REGISTRY/library/busybox"
        wharf_pull_ok "$REGISTRY/library/ocibox"
        n=$(wharf images -q | sort -u | wc -l)
        wrun system df
        assert_status 0
        [[ ${lines[0]} =~ ^TYPE\ +TOTAL\ +ACTIVE\ +SIZE\ +RECLAIMABLE ]] || { echo "header"; false; }
        [[ ${lines[1]} =~ ^Images\ +$n\ +0\  ]] || { echo "images row: ${lines[1]}"; false; }
        [[ ${lines[2]} =~ ^Containers\ +0\ +0 ]]
        [[ ${lines[3]} =~ ^Local\ Volumes ]] && [[ ${lines[4]} =~ ^Build\ Cache ]]

        wrun image prune -f
        assert_status 0
        assert_output_matches "Total reclaimed space: 0B"
        wrun create --name keep "$REGISTRY/library/busybox" true
        assert_status 0
        wrun image prune -a -f
        assert_status 0
        assert_output_matches "untagged: $REGISTRY/library/ocibox:latest"
        images_has "$REGISTRY/library/busybox" latest
        wrun images -q
        assert_output "$(short_id "$BUSYBOX_ID")"
        wrun rm keep
        assert_status 0
        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
        assert_no_leaks
}

@test "hostile: a device node outside /dev is refused, nothing stored" {
        local before
        before=$(graph_layers)
        wrun pull "$REGISTRY/library/hostile:device"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "device node etc/disk outside /dev"
        [ -z "$(graph_tmp)" ]
        wrun images
        refute_output_matches hostile
        # the busybox base layer may stay (it is sound); nothing else
        [ "$(graph_layers | wc -l)" -le "$(($(echo -n "$before" | grep -c .) + 1))" ]
        [ ! -e /etc/disk ]
}

@test "hostile: decompression beyond the configured ratio is refused" {
        printf 'max_decompression_ratio = 50\ndecompression_ratio_floor = 1048576\n' > "$STATE/lib/graph/limits.conf"
        wrun pull "$REGISTRY/library/hostile:bomb"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "decompression ratio exceeds 50"
        [ -z "$(graph_tmp)" ]
        # the default bound lets the same (8 MiB) layer through
        rm -f "$STATE/lib/graph/limits.conf"
        wharf_pull_ok "$REGISTRY/library/hostile:bomb"
        wrun rmi "$REGISTRY/library/hostile:bomb"
        assert_status 0
}

@test "hostile: more layers than configured are refused" {
        printf 'max_layers = 2\n' > "$STATE/lib/graph/limits.conf"
        wrun pull "$REGISTRY/library/whiteout"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "image has 3 layers, more than the limit of 2"
        wrun images
        refute_output_matches whiteout
}
