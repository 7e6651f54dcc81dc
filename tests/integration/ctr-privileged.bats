#!/usr/bin/env bats
# `wharf run --privileged` beyond capabilities (docker's oci.WithDevices and
# WithMounts): the host's devices, a read-write /sys and /sys/fs/cgroup, no
# read-only /proc/sys; with wharf's runtime and with runc.

load helpers

setup_file() {
        wharf_setup_file
        run --separate-stderr wharf pull "$REGISTRY/library/busybox" </dev/null
        [ "$status" -eq 0 ] || { echo "pull failed: $stderr" >&3; return 1; }
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

BB() { echo "$REGISTRY/library/busybox"; }

# a host device that is not in the default /dev set, as "path major,minor"
host_extra_device() {
        local d
        for d in /dev/kmsg /dev/loop-control /dev/loop0 /dev/fuse /dev/btrfs-control; do
                [ -c "$d" ] || [ -b "$d" ] || continue
                echo "$d $(stat -c '%t,%T' "$d")"
                return 0
        done
        return 1
}

# what the container says about /sys, /sys/fs/cgroup, the device, /proc/sys
probe() {
        local dev=$1
        echo "sys=$(awk '$2 == "/sys" { split($4, o, ","); print o[1] }' /proc/mounts | tail -n 1)"
        echo "cgroup=$(awk '$2 ~ "^/sys/fs/cgroup" { split($4, o, ","); print o[1] }' /proc/mounts | sort -u | tr '\n' ' ')"
        if [ -e "$dev" ]; then echo "dev=$(stat -c '%t,%T' "$dev")"; else echo "dev=absent"; fi
        # kernel.hostname is the container's own (uts namespace)
        if echo privtest > /proc/sys/kernel/hostname 2>/dev/null; then echo "procsys=$(hostname)"; else echo "procsys=ro"; fi
}

run_probe() {
        local dev=$1; shift
        wrun run --rm "$@" "$(BB)" sh -c "$(declare -f probe); probe $dev"
        assert_status 0
}

check_privileged() {
        local dev devno
        read -r dev devno < <(host_extra_device) || skip "no extra host device"
        run_probe "$dev" --privileged "$@"
        [[ $output == *"sys=rw"* ]] || { echo "/sys not read-write"; false; }
        [[ $output == *"cgroup=rw "* ]] || { echo "/sys/fs/cgroup not read-write"; false; }
        [[ $output == *"dev=$devno"* ]] || { echo "$dev ($devno) missing"; false; }
        [[ $output == *"procsys=privtest"* ]] || { echo "/proc/sys not writable"; false; }

        run_probe "$dev" "$@"
        [[ $output == *"sys=ro"* ]] || { echo "/sys writable without --privileged"; false; }
        [[ $output == *"cgroup=ro "* ]] || { echo "/sys/fs/cgroup writable without --privileged"; false; }
        [[ $output == *"dev=absent"* ]] || { echo "$dev present without --privileged"; false; }
        [[ $output == *"procsys=ro"* ]] || { echo "/proc/sys writable without --privileged"; false; }
        assert_no_leaks
}

@test "--privileged: host devices, read-write /sys and /proc/sys; none of it by default" {
        check_privileged
}

@test "--privileged --runtime runc: the same, from the spec" {
        command -v runc >/dev/null || skip "runc is not installed (tools/install-deps)"
        check_privileged --runtime runc
        [ -z "$(ls "$STATE/run/exec/runc" 2>/dev/null)" ]
}

@test "--privileged: the devices keep the host's mode and a block device works" {
        local n=0 d
        # every char/block device of the host's /dev top level (consoles and ptmx aside) is there
        wrun run --rm --privileged "$(BB)" sh -c 'for d in /dev/*; do [ -L "$d" ] && continue; [ -c "$d" ] || [ -b "$d" ] && echo "$d $(stat -c "%t,%T %a" "$d")"; done'
        assert_status 0
        for d in /dev/*; do
                [ ! -L "$d" ] || continue
                [ -c "$d" ] || [ -b "$d" ] || continue
                case $d in /dev/console|/dev/ptmx) continue ;; esac
                n=$((n + 1))
                [[ $output == *"$d $(stat -c '%t,%T %a' "$d")"* ]] || { echo "$d missing or different"; false; }
        done
        [ "$n" -gt 0 ]
        if [ -b /dev/loop0 ]; then
                wrun run --rm --privileged "$(BB)" sh -c 'dd if=/dev/loop0 of=/dev/null bs=512 count=1 2>/dev/null; echo rc=$?'
                assert_output "rc=0"
        fi
        assert_no_leaks
}

@test "--privileged --read-only keeps /sys read-only (docker)" {
        wrun run --rm --privileged --read-only "$(BB)" sh -c "awk '\$2 == \"/sys\" { print \$4 }' /proc/mounts"
        assert_status 0
        assert_output_matches "^ro,"
        assert_no_leaks
}
