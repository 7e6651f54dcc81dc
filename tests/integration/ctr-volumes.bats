#!/usr/bin/env bats
# Volumes: `wharf volume create|ls|inspect|rm|prune`, `run -v NAME:PATH`
# (named) and `-v PATH` (anonymous), the image's files copied into a new
# volume, rm -v and run --rm taking anonymous volumes along, docker's
# errors. graphd stores them under its root (STATE/lib/volumes).

load helpers

setup_file() {
        wharf_setup_file
        run --separate-stderr wharf pull "$REGISTRY/library/busybox" </dev/null
        [ "$status" -eq 0 ] || { echo "pull failed: $stderr" >&3; return 1; }
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }
VOLS() { echo "$STATE/lib/volumes"; }

# the names `volume ls -q` shows, on one line
vol_names() { wharf volume ls -q </dev/null | tr '\n' ' '; }

@test "volume create, ls, inspect, rm; docker's output and errors" {
        wrun volume create --label team=a --label tier data1
        assert_status 0
        assert_output "data1"
        [ -d "$(VOLS)/data1/_data" ]
        # again: the same volume, no error
        wrun volume create data1
        assert_status 0
        assert_output "data1"
        wrun volume create
        assert_status 0
        [[ $output =~ ^[0-9a-f]{64}$ ]] || { echo "a generated name is 64 hex: $output"; false; }
        local anon=$output

        wrun volume ls
        assert_status 0
        [ "${lines[0]}" = "DRIVER    VOLUME NAME" ] || { echo "header: ${lines[0]}"; false; }
        [[ $output == *"local     data1"* ]]
        [[ $output == *"local     $anon"* ]]

        wrun volume inspect data1
        assert_status 0
        run jq -r '.[0] | "\(.Name) \(.Driver) \(.Scope) \(.Mountpoint) \(.Labels.team)/\(.Labels.tier) \(.CreatedAt | test("Z$"))"' <<<"$output"
        assert_output "data1 local local $(VOLS)/data1/_data a/ true"

        # top-level inspect finds volumes too
        wrun inspect -f '{{.Name}} {{.Driver}}' data1
        assert_output "data1 local"
        wrun inspect --type volume -f '{{.Mountpoint}}' data1
        assert_output "$(VOLS)/data1/_data"
        wrun -1 inspect --type volume nope
        assert_stderr_matches 'No such volume: nope'

        wrun volume ls -f label=team=a --format '{{.Name}} {{.Driver}} {{.Labels}}'
        assert_status 0
        assert_output "data1 local team=a,tier="
        wrun volume ls -q -f name=ata
        assert_output "data1"

        wrun -1 volume create 'bad name'
        assert_one_error_line
        assert_stderr_matches 'includes invalid characters for a local volume name'
        wrun -1 volume create -d nfs v2
        assert_stderr_matches 'plugin "nfs" not found'
        wrun -1 volume inspect nope
        assert_stderr_matches 'get nope: no such volume'
        wrun -1 volume rm nope
        assert_stderr_matches 'no such volume'
        wrun volume rm -f nope
        assert_status 0
        wrun -1 volume ls -f colour=red
        assert_stderr_matches "invalid filter 'colour'"

        wrun volume --help
        assert_status 0
        [[ $output == *"  ls          List volumes"* && $output != *"  list"* ]] || { echo "help: $output"; false; }
        wrun -1 volume nope
        assert_stderr_matches "'volume nope' is not a wharf command"
        wrun volume list -q -f name=data1
        assert_output "data1"

        wrun volume rm data1 "$anon"
        assert_status 0
        assert_output "data1
$anon"
        [ ! -e "$(VOLS)/data1" ]
        [ -z "$(vol_names)" ]
}

@test "run -v NAME:PATH: the data outlives the container, another one reads it; in use, it stays" {
        wrun run --rm -v shared:/data "$(BB)" sh -c 'echo kept > /data/f'
        assert_status 0
        [ "$(cat "$(VOLS)/shared/_data/f")" = kept ]
        wrun run --rm -v shared:/data:ro "$(BB)" sh -c 'cat /data/f; echo x > /data/g'
        assert_failure
        assert_output "kept"
        assert_stderr_matches 'Read-only file system'

        wrun create --name user1 -v shared:/data "$(BB)" true
        assert_status 0
        local id
        id=$(wharf inspect -f '{{.Id}}' user1)
        wrun inspect -f '{{json .Mounts}}' user1
        assert_output "[{\"Type\":\"volume\",\"Name\":\"shared\",\"Source\":\"$(VOLS)/shared/_data\",\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"\"}]"
        wrun volume ls -q -f dangling=false
        assert_output "shared"
        wrun -1 volume rm shared
        assert_one_error_line
        assert_stderr_matches "remove shared: volume is in use - \[$id\]"
        wrun -1 volume rm -f shared
        assert_stderr_matches 'volume is in use'
        [ -d "$(VOLS)/shared/_data" ]
        # a plain rm keeps named volumes, rm -v too (only anonymous ones go)
        wrun rm -v user1
        assert_status 0
        [ "$(vol_names)" = "shared " ]
        wrun volume ls -q -f dangling=true
        assert_output "shared"
        wrun volume rm shared
        assert_status 0
        assert_no_leaks
}

@test "a new volume gets the image's files at its path; a used one keeps its own" {
        wrun run --rm -v etcvol:/etc "$(BB)" cat /etc/passwd
        assert_status 0
        assert_output_matches '^root:'
        [ -f "$(VOLS)/etcvol/_data/passwd" ] || { echo "passwd not copied into the volume"; ls -la "$(VOLS)/etcvol/_data"; false; }
        echo "changed:x:0:0::/:/bin/sh" > "$(VOLS)/etcvol/_data/passwd"
        wrun run --rm -v etcvol:/etc "$(BB)" cat /etc/passwd
        assert_output "changed:x:0:0::/:/bin/sh"
        # symbolic links stay links
        wrun run --rm -v binvol:/bin "$(BB)" ls /bin
        assert_status 0
        [ -L "$(VOLS)/binvol/_data/ls" ] || { echo "bin/ls is not a link in the volume"; false; }
        # nocopy: the volume stays empty
        wrun run --rm -v emptyvol:/etc:nocopy "$(BB)" /bin/ls /etc
        assert_status 0
        [ ! -e "$(VOLS)/emptyvol/_data/passwd" ]
        wrun volume rm etcvol binvol emptyvol
        assert_status 0
        assert_no_leaks
}

@test "-v PATH: an anonymous volume; rm keeps it, rm -v and run --rm take it; prune takes anonymous ones" {
        wrun run --name anon1 -v /data "$(BB)" sh -c 'echo a > /data/f'
        assert_status 0
        local name
        name=$(wharf inspect -f '{{json .Mounts}}' anon1 | jq -r '.[].Name')
        [[ $name =~ ^[0-9a-f]{64}$ ]] || { echo "anonymous volume name: $name"; false; }
        [ "$(cat "$(VOLS)/$name/_data/f")" = a ]
        wrun rm -v anon1
        assert_status 0
        [ -z "$(vol_names)" ] || { echo "left: $(vol_names)"; false; }

        wrun run --rm -v /data "$(BB)" sh -c 'echo b > /data/f'
        assert_status 0
        [ -z "$(vol_names)" ] || { echo "run --rm left: $(vol_names)"; false; }

        wrun run --name anon2 -v /data "$(BB)" true
        assert_status 0
        wrun rm anon2
        assert_status 0
        wrun volume create keepme
        local left
        left=$(vol_names)
        [[ $left == *keepme* ]] && [ "$(wc -w <<<"$left")" -eq 2 ] || { echo "volumes: $left"; false; }
        wrun volume prune -f
        assert_status 0
        [[ $output == *"Deleted Volumes:"* ]]
        [ "$(vol_names)" = "keepme " ] || { echo "after prune: $(vol_names)"; false; }
        wrun volume prune -a -f
        assert_status 0
        assert_output "Deleted Volumes:
keepme"
        [ -z "$(vol_names)" ]
        [ -z "$(ls -A "$(VOLS)")" ] || { echo "left in the store:"; ls -A "$(VOLS)"; false; }
        assert_no_leaks
}

@test "bad volume input: one error line, nothing created" {
        wrun -125 run --rm -v 'bad name:/data' "$(BB)" true
        assert_one_error_line
        assert_stderr_matches 'includes invalid characters for a local volume name'
        wrun -125 run --rm -v vol:data "$(BB)" true
        assert_stderr_matches 'destination must be an absolute path'
        wrun -125 run --rm -v vol:/data:rx "$(BB)" true
        assert_stderr_matches 'invalid mode'
        wrun -125 run --rm -v vol:/data -v other:/data "$(BB)" true
        assert_stderr_matches 'Duplicate mount point: /data'
        wrun ps -aq
        assert_output ""
        [ -z "$(vol_names)" ] || { echo "volumes left: $(vol_names)"; false; }
        assert_no_leaks
}

@test "volumes and their data survive a restart of the stack's daemons" {
        wrun run --rm -v durable:/d "$(BB)" sh -c 'echo still-here > /d/f'
        assert_status 0
        # a created container keeps its volumes across the restart too
        wrun create --name later -v durable:/d -v /anon "$(BB)" sh -c 'cat /d/f; echo x > /anon/f'
        assert_status 0
        kill_daemons Engine1 Graph1 Exec1
        wrun run --rm -v durable:/d "$(BB)" cat /d/f
        assert_status 0
        assert_output "still-here"
        wrun start -a later
        assert_status 0
        assert_output "still-here"
        [ "$(wc -w <<<"$(vol_names)")" -eq 2 ] || { echo "volumes: $(vol_names)"; false; }
        wrun rm -v later
        assert_status 0
        wrun volume ls -q
        assert_output "durable"
        wrun volume rm durable
        assert_status 0
}

@test "an image's VOLUME gets an anonymous volume filled from the image, unless -v takes the path" {
        wrun run --name vb "$REGISTRY/library/volbox" cat /etc/passwd
        assert_status 0
        assert_output_matches '^root:'
        local name
        name=$(wharf inspect -f '{{json .Mounts}}' vb | jq -r '.[] | "\(.Name) \(.Destination)"')
        [[ $name =~ ^[0-9a-f]{64}\ /etc$ ]] || { echo "Mounts: $name"; false; }
        wrun inspect -f '{{json .Config.Volumes}}' vb
        assert_output '{"/etc":{}}'
        [ -f "$(VOLS)/${name% *}/_data/passwd" ]
        wrun rm -v vb
        assert_status 0
        [ -z "$(vol_names)" ] || { echo "left: $(vol_names)"; false; }
        # a named volume on the same path replaces it
        wrun run --rm -v mine:/etc "$REGISTRY/library/volbox" true
        assert_status 0
        [ "$(vol_names)" = "mine " ] || { echo "volumes: $(vol_names)"; false; }
        wrun volume rm mine
        assert_status 0
        assert_no_leaks
}

@test "--mount type=volume|bind|tmpfs: the same mounts as -v and --tmpfs, docker's errors; inspect's HostConfig.Mounts" {
        local host=$WHARF_TMP/mnt-host
        rm -rf "$host"; mkdir -p "$host"; echo from-host > "$host/in"
        wrun run --rm --mount type=volume,source=mvol,target=/data "$(BB)" sh -c 'echo v > /data/f'
        assert_status 0
        [ "$(cat "$(VOLS)/mvol/_data/f")" = v ]
        wrun run --rm --mount "type=bind,src=$host,dst=/h,readonly" "$(BB)" sh -c 'cat /h/in; echo x > /h/out'
        assert_failure
        assert_output "from-host"
        assert_stderr_matches 'Read-only file system'
        wrun run --rm --mount type=tmpfs,target=/t,tmpfs-size=1m "$(BB)" sh -c 'grep " /t " /proc/mounts'
        assert_status 0
        assert_output_matches '^tmpfs /t tmpfs rw,nosuid,nodev,noexec.*size=1024k'

        wrun create --name mnt1 --mount type=volume,src=mvol,dst=/data,volume-nocopy "$(BB)" true
        assert_status 0
        wrun inspect -f '{{json .HostConfig.Mounts}}' mnt1
        assert_output '[{"Type":"volume","Source":"mvol","Target":"/data","VolumeOptions":{"NoCopy":true}}]'
        wrun inspect -f '{{json .Mounts}}' mnt1
        assert_output_matches '"Type":"volume","Name":"mvol"'
        wrun -1 volume rm mvol
        assert_stderr_matches 'volume is in use'
        wrun rm mnt1
        assert_status 0

        # unlike -v, --mount makes no missing host path
        wrun -125 run --rm --mount "type=bind,source=$host/missing,target=/m" "$(BB)" true
        assert_one_error_line
        assert_stderr_matches "bind source path does not exist: $host/missing"
        [ ! -e "$host/missing" ]
        wrun -125 run --rm --mount type=bind,target=/m "$(BB)" true
        assert_stderr_matches 'field Source must not be empty'
        wrun -125 run --rm --mount type=volume,src=x "$(BB)" true
        assert_stderr_matches 'invalid argument "type=volume,src=x" for "--mount" flag: target is required'
        wrun -125 run --rm --mount type=volume,src=x,dst=/x,colour=red "$(BB)" true
        assert_stderr_matches "unexpected key 'colour' in 'colour=red'"
        wrun -125 run --rm --mount type=npipe,dst=/x "$(BB)" true
        assert_stderr_matches 'mount type unknown'
        wrun -125 run --rm --mount type=volume,src=x,dst=/d -v y:/d "$(BB)" true
        assert_stderr_matches 'Duplicate mount point: /d'
        wrun volume rm mvol
        assert_status 0
        [ -z "$(vol_names)" ] || { echo "volumes left: $(vol_names)"; false; }
        assert_no_leaks
}
