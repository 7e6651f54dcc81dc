#!/usr/bin/env bats
# Named volumes in graphd (Graph1.CreateVolume, ListVolumes, InspectVolume,
# RemoveVolume, PopulateVolume), called directly on the bus: docker's JSON,
# name rule and messages, atomic removal, survival of a restart, and the
# copy-up of a directory of a container's rootfs.

load helpers

setup_file() { wharf_setup_file; }
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }
# each test starts without volumes, also after a failed one
setup() { remove_all_volumes; }

VOLS() { echo "$STATE/lib/volumes"; }

# graph METHOD SIGNATURE ARGS...: the call, its reply as busctl's JSON
graph() {
        busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" --timeout=60 --json=short call \
                org.wharf.Graph1 /org/wharf/Graph1 org.wharf.Graph1 "$@"
}
# the first (string) value of the reply
graph_s() { graph "$@" | jq -r '.data[0]'; }
# error name and message of a call that must fail: "NAME: message"
graph_error() {
        local m=$1; shift
        run dbus-send --bus="$DBUS_SYSTEM_BUS_ADDRESS" --reply-timeout=60000 --print-reply \
                --dest=org.wharf.Graph1 /org/wharf/Graph1 "org.wharf.Graph1.$m" "$@"
        echo "$output"
        [ "$status" -ne 0 ]
        output=$(sed -n 's/^Error \(.*\)$/\1/p' <<< "$output")
}
remove_all_volumes() {
        local n
        for n in $(graph_s ListVolumes | jq -r '.[].Name'); do graph RemoveVolume s "$n" >/dev/null; done
}
# the trash of removed volumes is deleted in the background (bounded, 10 s)
assert_volumes_dir_clean() {
        local i
        for ((i = 0; i < 100; i++)); do
                [ -z "$(ls -A "$(VOLS)" | grep '^\.')" ] && return 0
                sleep 0.1
        done
        echo "left in volumes/:"; ls -A "$(VOLS)"
        return 1
}

@test "CreateVolume: docker's JSON, labels, an existing volume unchanged" {
        local v v2 mp
        v=$(graph_s CreateVolume 'sa{ss}' data1 2 b 2 a 1)
        echo "$v"
        [ "$(jq -r .Name <<< "$v")" = data1 ]
        [ "$(jq -r .Driver <<< "$v")" = local ]
        [ "$(jq -r .Scope <<< "$v")" = local ]
        [ "$(jq -c .Options <<< "$v")" = null ]
        [ "$(jq -c .Labels <<< "$v")" = '{"a":"1","b":"2"}' ]
        [[ $(jq -r .CreatedAt <<< "$v") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
        # docker's key order
        [ "$(jq -r 'keys_unsorted | join(",")' <<< "$v")" = CreatedAt,Driver,Labels,Mountpoint,Name,Options,Scope ]
        mp=$(jq -r .Mountpoint <<< "$v")
        [ "$mp" = "$(VOLS)/data1/_data" ]
        [ -d "$mp" ] && [ "$(stat -c '%a %u:%g' "$mp")" = "755 0:0" ]
        [ -f "$(VOLS)/data1/volume.json" ]

        sleep 1.1
        v2=$(graph_s CreateVolume 'sa{ss}' data1 1 c 3)
        [ "$v2" = "$v" ] || { echo "changed: $v2"; false; }
        [ "$(graph_s InspectVolume s data1)" = "$v" ]

        v=$(graph_s CreateVolume 'sa{ss}' nolabels 0)
        [ "$(jq -c .Labels <<< "$v")" = null ]
        remove_all_volumes
}

@test "anonymous volumes get 64 hex characters; ListVolumes sorted by name" {
        local v names
        v=$(graph_s CreateVolume 'sa{ss}' "" 0)
        [[ $(jq -r .Name <<< "$v") =~ ^[0-9a-f]{64}$ ]] || { echo "$v"; false; }
        graph CreateVolume 'sa{ss}' zeta 0 >/dev/null
        graph CreateVolume 'sa{ss}' Alpha.1 0 >/dev/null
        graph CreateVolume 'sa{ss}' b_2-x 0 >/dev/null
        names=$(graph_s ListVolumes | jq -r '.[].Name' | tr '\n' ' ')
        echo "$names"
        # byte order, as strcmp
        [ "$names" = "$(printf '%s\n' Alpha.1 "$(jq -r .Name <<< "$v")" b_2-x zeta | LC_ALL=C sort | tr '\n' ' ')" ]
        [ "$(graph_s ListVolumes | jq -r '.[] | select(.Name == "zeta") | .Mountpoint')" = "$(VOLS)/zeta/_data" ]
        remove_all_volumes
        [ "$(graph_s ListVolumes)" = "[]" ]
}

@test "invalid names: InvalidArgs with docker's message" {
        local n
        for n in a -x .hidden a/b ../x 'sp ace' é; do
                graph_error CreateVolume string:"$n" dict:string:string:
                [ "$output" = "org.freedesktop.DBus.Error.InvalidArgs: create $n: \"$n\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path" ] ||
                        { echo "for '$n': $output"; false; }
        done
        [ -z "$(ls -A "$(VOLS)")" ]
}

@test "RemoveVolume: gone at once, NoSuchVolume after" {
        graph CreateVolume 'sa{ss}' gone 0 >/dev/null
        echo hello > "$(VOLS)/gone/_data/file"
        graph RemoveVolume s gone
        [ ! -e "$(VOLS)/gone" ]
        [ "$(graph_s ListVolumes)" = "[]" ]
        assert_volumes_dir_clean
        graph_error RemoveVolume string:gone
        [ "$output" = "org.wharf.Error.NoSuchVolume: get gone: no such volume" ]
        graph_error InspectVolume string:gone
        [ "$output" = "org.wharf.Error.NoSuchVolume: get gone: no such volume" ]
        graph_error InspectVolume string:../graph
        [ "$output" = "org.wharf.Error.NoSuchVolume: get ../graph: no such volume" ]
}

@test "volumes survive a graphd restart; leftover .tmp and .trash entries go" {
        local before
        graph CreateVolume 'sa{ss}' keep 1 k v >/dev/null
        echo data > "$(VOLS)/keep/_data/f"
        before=$(graph_s InspectVolume s keep)
        mkdir -p "$(VOLS)/.tmp-AbCdEf/_data" "$(VOLS)/.trash-XyZ123/_data/sub"
        kill_daemons Graph1
        # the call activates graphd again
        [ "$(graph_s InspectVolume s keep)" = "$before" ]
        [ "$(cat "$(VOLS)/keep/_data/f")" = data ]
        [ "$(graph_s ListVolumes | jq -r '.[].Name')" = keep ]
        assert_volumes_dir_clean
        remove_all_volumes
}

@test "PopulateVolume copies a directory of the container's rootfs, once, without escaping it" {
        local cid rootfs mp v
        wharf_pull_ok "$REGISTRY/library/busybox"
        cid=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)
        rootfs=$(graph_s CreateRootfs ss "$cid" "$BUSYBOX_ID")
        [ -d "$rootfs/etc" ]
        # content of the image that the copy must carry over as it is
        mkdir -p "$rootfs/etc/wharf-sub"
        echo secret > "$rootfs/etc/wharf-sub/file"
        chown 1234:5678 "$rootfs/etc/wharf-sub/file"
        chmod 4751 "$rootfs/etc/wharf-sub/file"
        chmod 0710 "$rootfs/etc/wharf-sub"
        ln -s /etc/passwd "$rootfs/etc/wharf-sub/abs-link"
        ln -s ../../outside "$rootfs/etc/wharf-sub/rel-link"
        touch -h -d '2001-02-03 04:05:06' "$rootfs/etc/wharf-sub/abs-link"
        mkdir -p "$WHARF_TMP/outside"
        echo host > "$WHARF_TMP/outside/hostfile"
        ln -s "$WHARF_TMP/outside" "$rootfs/escape"

        v=$(graph_s CreateVolume 'sa{ss}' pop 0)
        mp=$(jq -r .Mountpoint <<< "$v")
        graph PopulateVolume sss pop "$cid" /etc
        [ -f "$mp/passwd" ] && [ -f "$mp/group" ]
        # (not _data itself: it takes the directory's mode and owner only)
        list() { (cd "$1" && find . -mindepth 1 -printf '%p %y %m %u:%g %l %T@\n' | LC_ALL=C sort); }
        diff <(list "$rootfs/etc") <(list "$mp")
        cmp "$rootfs/etc/wharf-sub/file" "$mp/wharf-sub/file"
        [ -L "$mp/wharf-sub/abs-link" ] && [ "$(readlink "$mp/wharf-sub/abs-link")" = /etc/passwd ]
        [ "$(stat -c '%a %u:%g' "$mp")" = "$(stat -c '%a %u:%g' "$rootfs/etc")" ]

        # a volume that is not empty any more is left alone
        echo mine > "$mp/mine"
        rm "$mp/passwd"
        graph PopulateVolume sss pop "$cid" /etc
        [ ! -e "$mp/passwd" ] && [ "$(cat "$mp/mine")" = mine ]

        # nothing there, or not a directory: success, nothing copied
        graph CreateVolume 'sa{ss}' empty 0 >/dev/null
        graph PopulateVolume sss empty "$cid" /no/such/dir
        graph PopulateVolume sss empty "$cid" /etc/passwd
        [ -z "$(ls -A "$(VOLS)/empty/_data")" ]
        [ "$(stat -c '%a %u:%g' "$(VOLS)/empty/_data")" = "755 0:0" ]
        # a symlink of the image resolves inside the rootfs, not on the host
        graph PopulateVolume sss empty "$cid" /escape
        [ -z "$(ls -A "$(VOLS)/empty/_data")" ] || { ls -la "$(VOLS)/empty/_data"; false; }

        graph_error PopulateVolume string:nosuch string:"$cid" string:/etc
        [ "$output" = "org.wharf.Error.NoSuchVolume: get nosuch: no such volume" ]
        graph_error PopulateVolume string:empty string:"$(printf '%064d' 0)" string:/etc
        [[ $output == org.wharf.Error.NoSuchContainer:* ]]
        graph_error PopulateVolume string:empty string:"$cid" string:etc
        [[ $output == org.freedesktop.DBus.Error.InvalidArgs:* ]]

        graph ReleaseRootfs sb "$cid" true
        remove_all_volumes
        assert_volumes_dir_clean
        wrun rmi "$REGISTRY/library/busybox"
        assert_status 0
        assert_no_leaks
}
