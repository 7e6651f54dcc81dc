#!/usr/bin/env bats
# wharf-execd on a private bus with real containers in a busybox rootfs.
# Root only; skipped otherwise.

setup_file() {
        export BUILD="${WHARF_BUILDDIR:-$BATS_TEST_DIRNAME/../..}"
        export EXECD="$BUILD/services/execd/wharf-execd"
        export HELPER="$BUILD/services/execd/exec-run-helper"
        [ "$(id -u)" = 0 ] && [ -x /bin/busybox ] && [ -x "$EXECD" ] && [ -x "$HELPER" ] || return 0

        export T="$(mktemp -d /tmp/wharf-execd-test.XXXXXX)"
        mkdir -p "$T/rootfs/bin" "$T/state"
        cp /bin/busybox "$T/rootfs/bin/"
        for c in sh echo true false cat ls hostname sleep grep id readlink; do
                ln -s busybox "$T/rootfs/bin/$c"
        done

        # background processes must not hold bats' fd 3, or it waits for them
        dbus-daemon --session --fork --print-pid --address="unix:path=$T/bus" > "$T/bus.pid" 3>&-
        export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus"
        busctl --system monitor --match "type='signal',interface='org.wharf.Exec1'" > "$T/signals" 2>&1 3>&- &
        echo $! > "$T/monitor.pid"
        start_execd
}

start_execd() {
        "$EXECD" --state "$T/state" --debug >> "$T/execd.log" 2>&1 3>&- &
        echo $! > "$T/execd.pid"
        for _ in $(seq 50); do
                busctl --system status org.wharf.Exec1 >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        cat "$T/execd.log" >&2
        return 1
}

teardown_file() {
        [ -n "${T:-}" ] && [ -d "$T" ] || return 0
        for p in execd monitor bus; do
                [ -f "$T/$p.pid" ] && kill "$(cat "$T/$p.pid")" 2>/dev/null || true
        done
        # nothing may outlive the tests: monitors, containers, mounts
        sleep 0.2
        ! pgrep -f "wharf-monitor .*$T" >/dev/null || { echo "monitor left behind" >&2; return 1; }
        ! grep -q "$T" /proc/mounts || { echo "mount left behind" >&2; return 1; }
        rm -rf "$T"
}

setup() {
        [ -n "${T:-}" ] || skip "needs root, /bin/busybox (busybox-static) and a build"
}

# spec ARGS_JSON [CWD] [EXTRA_JSON_MEMBERS] > file
spec() {
        cat <<JSON
{"ociVersion":"1.0.2",
 "process":{"args":$1,"env":["PATH=/bin","HOME=/"],"cwd":"${2:-/}"},
 "root":{"path":"$T/rootfs"},
 "hostname":"wharftest"${3:+,$3},
 "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]}}
JSON
}

# crun ID ARGS_JSON [CWD]: run and wait; sets $status, $out, $err
crun() {
        spec "$2" "${3:-}" > "$T/$1.json"
        status=0
        "$HELPER" --wait "$1" "$T/$1.json" > "$T/$1.out" 2> "$T/$1.err" < /dev/null || status=$?
        out="$(cat "$T/$1.out")"
        err="$(cat "$T/$1.err")"
}

exec1() {
        busctl --system call org.wharf.Exec1 /org/wharf/Exec1 org.wharf.Exec1 "$@"
}

@test "execd: Version property is the package version" {
        run busctl --system get-property org.wharf.Exec1 /org/wharf/Exec1 org.wharf.Exec1 Version
        [ "$status" -eq 0 ]
        [[ "$output" =~ ^s\ \"[0-9]+\.[0-9]+ ]]
}

@test "execd: echo hello reaches stdout, Exited carries 0" {
        crun hello '["echo","hello"]'
        [ "$status" -eq 0 ]
        [ "$out" = hello ]
        [ -z "$err" ]
        [ "$(cat "$T/state/run/exec/hello/exit")" = 0 ]
        [ -f "$T/state/run/exec/hello/config.json" ]
        grep -q '"hello"' "$T/state/run/exec/hello/config.json"
        # the signal as busctl monitor saw it
        sleep 0.2
        grep -A3 'Member=Exited' "$T/signals" | grep -q 'STRING "hello"'
}

@test "execd: stderr is the container's stderr" {
        crun stderr '["sh","-c","echo oops >&2"]'
        [ "$status" -eq 0 ]
        [ -z "$out" ]
        [ "$err" = oops ]
}

@test "execd: exit status 3 is reported" {
        crun exit3 '["sh","-c","exit 3"]'
        [ "$status" -eq 3 ]
        exec1 List | grep -q '"exit3" 0 "stopped" 3'
}

@test "execd: unknown command is CommandNotFound (127)" {
        crun nope '["nope"]'
        [ "$status" -eq 127 ]
        [[ "$err" == *'org.wharf.Error.CommandNotFound: exec: "nope": executable file not found in $PATH'* ]]
        # a failed start leaves no container behind
        [ ! -e "$T/state/run/exec/nope" ]
        ! exec1 List | grep -q '"nope"'
}

@test "execd: a directory is CommandNotExecutable (126)" {
        crun notexec '["/bin"]'
        [ "$status" -eq 126 ]
        [[ "$err" == *org.wharf.Error.CommandNotExecutable* ]]
}

@test "execd: the container has its own pid namespace" {
        crun pidns '["cat","/proc/1/cmdline"]'
        [ "$status" -eq 0 ]
        [ "$(tr '\0' ' ' < "$T/pidns.out")" = "cat /proc/1/cmdline " ]
}

@test "execd: hostname comes from the spec" {
        crun host '["hostname"]'
        [ "$status" -eq 0 ]
        [ "$out" = wharftest ]
        [ "$(hostname)" != wharftest ]
}

@test "execd: the container sees only its rootfs" {
        crun ls '["ls","/"]'
        [ "$status" -eq 0 ]
        [ "$(echo $out)" = "bin dev proc sys" ]
        crun dev '["ls","/dev"]'
        for d in null zero full random urandom tty pts shm mqueue ptmx fd stdin stdout stderr; do
                grep -qx "$d" "$T/dev.out"
        done
}

@test "execd: missing cwd is created, docker's capabilities, own network" {
        crun cwd '["sh","-c","pwd; grep CapBnd /proc/self/status; ls /sys/class/net"]' /work/dir
        [ "$status" -eq 0 ]
        [ "$(sed -n 1p "$T/cwd.out")" = /work/dir ]
        [[ "$(sed -n 2p "$T/cwd.out")" == *00000000a80425fb ]]
        [ "$(sed -n 3p "$T/cwd.out")" = lo ]
}

@test "execd: List, Kill, Delete" {
        spec '["sleep","1000"]' > "$T/sleeper.json"
        # the container keeps its stdout: a file, not bats' capture pipe
        "$HELPER" sleeper "$T/sleeper.json" < /dev/null > "$T/sleeper.out" 2>&1 3>&-
        pid="$(cat "$T/sleeper.out")"
        [ "$pid" -gt 1 ]
        exec1 List | grep -q "\"sleeper\" $pid \"running\" 0"
        [ "$(cat /proc/$pid/comm)" = sleep ]
        run exec1 Delete s sleeper
        [ "$status" -ne 0 ]
        [[ "$output" == *"container is running"* ]]

        exec1 Kill si sleeper 9
        for _ in $(seq 50); do
                exec1 List | grep -q '"sleeper" 0 "stopped" 137' && break
                sleep 0.1
        done
        exec1 List | grep -q '"sleeper" 0 "stopped" 137'
        [ "$(cat "$T/state/run/exec/sleeper/exit")" = 137 ]
        run exec1 Kill si sleeper 9
        [ "$status" -ne 0 ]
        [[ "$output" == *"is not running"* ]]

        exec1 Delete s sleeper
        [ ! -e "$T/state/run/exec/sleeper" ]
        run exec1 Delete s sleeper
        [[ "$output" == *"No such container"* ]]
}

@test "execd: bad specs and ids are refused" {
        echo '{"process":{"args":[]},"root":{"path":"/"}}' > "$T/bad.json"
        run "$HELPER" --wait bad "$T/bad.json"
        [ "$status" -eq 125 ]
        [[ "$output" == *"Invalid spec: process.args"* ]]
        echo "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"$T/nonexistent\"}}" > "$T/bad.json"
        run "$HELPER" --wait bad "$T/bad.json"
        [[ "$output" == *"root.path"* ]]
        spec '["true"]' > "$T/good.json"
        run "$HELPER" --wait ../evil "$T/good.json"
        [[ "$output" == *"Invalid container id"* ]]
        run "$HELPER" --wait hello "$T/good.json"
        [[ "$output" == *NameInUse* ]]
}

@test "execd: a restarted execd recovers stopped containers" {
        kill "$(cat "$T/execd.pid")"
        for _ in $(seq 50); do kill -0 "$(cat "$T/execd.pid")" 2>/dev/null || break; sleep 0.1; done
        start_execd
        exec1 List | grep -q '"exit3" 0 "stopped" 3'
        exec1 List | grep -q '"hello" 0 "stopped" 0'
}

@test "execd: user, read-only root, no_new_privs, extra bind mount" {
        mkdir -p "$T/shared" && echo from-host > "$T/shared/file"
        spec '["sh","-c","id; grep -E \"CapEff|NoNewPrivs\" /proc/self/status; cat /data/file; touch /x 2>&1 || echo ro"]' / \
                '"mounts":[{"destination":"/data","type":"bind","source":"'"$T/shared"'","options":["rbind","ro"]}]' \
                | sed 's/"cwd"/"user":{"uid":1000,"gid":1000,"additionalGids":[5]},"noNewPrivileges":true,"cwd"/; s/"root":{"path":"[^"]*"/&,"readonly":true/' \
                > "$T/user.json"
        run "$HELPER" --wait user "$T/user.json"
        [ "$status" -eq 0 ]
        [[ "$output" == *"uid=1000 gid=1000 groups=5"* ]]
        [[ "$output" == *"CapEff:"*"0000000000000000"* ]]
        [[ "$output" == *"NoNewPrivs:"*"1"* ]]
        [[ "$output" == *from-host* ]]
        [[ "$output" == *"Read-only file system"* ]]
        [ ! -e "$T/rootfs/x" ]
}

@test "execd: a network namespace path is joined" {
        command -v ip >/dev/null || skip "needs iproute2"
        ns="wharf-execd-test-$$"
        ip netns add "$ns"
        inode="$(stat -L -c %i "/run/netns/$ns")"
        spec '["readlink","/proc/self/ns/net"]' | sed "s|{\"type\":\"network\"}|{\"type\":\"network\",\"path\":\"/run/netns/$ns\"}|" > "$T/netns.json"
        run "$HELPER" --wait netns "$T/netns.json"
        ip netns del "$ns"
        [ "$status" -eq 0 ]
        [ "$output" = "net:[$inode]" ]
}
