#!/usr/bin/env bats
# Containers outlive their daemons, restart policies (issue 4).

load helpers
load ctr-life

setup_file() {
        wharf_setup_file
        wharf pull "$(BB)" >/dev/null </dev/null
}
teardown_file() { wharf_teardown_file; }
teardown() { wharf_teardown; }

# wait_restarts CONTAINER N: until RestartCount is N and the container stopped
wait_restart_count() {
        local deadline=$((SECONDS + 60)) s
        while :; do
                s=$(wharf inspect -f '{{.RestartCount}} {{.State.Status}}' "$1" 2>/dev/null </dev/null)
                [ "$s" = "$2" ] && return 0
                [ "$SECONDS" -lt "$deadline" ] || { echo "$1: '$s', expected '$2'"; return 1; }
                sleep 0.2
        done
}

@test "kill -9 of all five daemons: a running sleep keeps running, ps shows it, stop works, the exit is recorded" {
        create_ctr sl "$(BB)" sleep 1000
        start_ctr sl
        inspect_f sl '{{.State.Pid}}'
        local pid=$output
        kill_all_daemons
        # the container's process is untouched
        [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]
        wrun ps --format '{{.Names}} {{.State}}'
        assert_status 0
        assert_output "sl running"
        inspect_f sl '{{.State.Pid}}'
        assert_output "$pid"
        wrun stop -t 1 sl
        assert_status 0
        inspect_f sl '{{.State.Status}} {{.State.ExitCode}}'
        assert_output "exited 137"
        [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
        cleanup_ctrs
}

@test "an exit while every daemon is down is not lost" {
        create_ctr gone "$(BB)" sh -c 'sleep 2; exit 7'
        start_ctr gone
        kill_all_daemons
        sleep 3
        # the first answer of the new wharfd already knows
        wrun ps -a --filter name=gone --format '{{.State}} {{.Status}}'
        assert_status 0
        [[ $output =~ ^exited\ Exited\ \(7\) ]] || { echo "$output"; false; }
        cleanup_ctrs
}

@test "wait started before wharfd is killed still gets the exit code" {
        create_ctr wk "$(BB)" sh -c 'sleep 3; exit 9'
        start_ctr wk
        wharf wait wk > "$WHARF_TMP/wait.out" 2>&1 </dev/null &
        local w=$!
        sleep 1
        kill_daemons Engine1
        wait "$w"
        [ "$(cat "$WHARF_TMP/wait.out")" = 9 ] || { cat "$WHARF_TMP/wait.out"; false; }
        cleanup_ctrs
}

@test "restart policy on-failure:2: a container exiting 1 runs three times, RestartCount 2" {
        create_ctr of "$(BB)" sh -c 'exit 1'
        set_restart_policy "$CID" on-failure 2
        start_ctr of
        wait_restart_count of "2 exited"
        inspect_f of '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}'
        assert_output "1 on-failure 2"
        # and it stays so (the back-off timer is not re-armed)
        sleep 1
        inspect_f of '{{.RestartCount}} {{.State.Status}}'
        assert_output "2 exited"
        cleanup_ctrs
}

@test "restart policy on-failure: exit 0 is not restarted" {
        create_ctr ok "$(BB)" true
        set_restart_policy "$CID" on-failure 0
        start_ctr ok
        wrun wait ok
        assert_output "0"
        sleep 1
        inspect_f ok '{{.RestartCount}} {{.State.Status}}'
        assert_output "0 exited"
        cleanup_ctrs
}

@test "restart policy always: restarted after exits, stop turns it off, start turns it on" {
        create_ctr al "$(BB)" sh -c 'sleep 0.3; exit 1'
        set_restart_policy "$CID" always
        start_ctr al
        local deadline=$((SECONDS + 60)) n=0
        while [ "$n" -lt 2 ] && [ "$SECONDS" -lt "$deadline" ]; do
                n=$(wharf inspect -f '{{.RestartCount}}' al </dev/null)
                sleep 0.2
        done
        [ "$n" -ge 2 ] || { echo "RestartCount $n"; false; }
        wrun stop al
        assert_status 0
        local count
        count=$(wharf inspect -f '{{.RestartCount}}' al </dev/null)
        sleep 1.5
        inspect_f al '{{.State.Status}} {{.State.Restarting}}'
        assert_output "exited false"
        inspect_f al '{{.RestartCount}}'
        assert_output "$count"
        cleanup_ctrs
}

@test "always and unless-stopped containers come back when the stack starts; a stopped unless-stopped one does not" {
        create_ctr back1 "$(BB)" sleep 1000
        set_restart_policy "$CID" always
        create_ctr back2 "$(BB)" sleep 1000
        set_restart_policy "$CID" unless-stopped
        create_ctr stay "$(BB)" sleep 1000
        set_restart_policy "$CID" unless-stopped
        create_ctr none "$(BB)" sleep 1000
        start_ctr back1 back2 stay none
        wrun stop -t 0 stay
        assert_status 0

        # the whole stack goes (containers too), then comes back
        "$STACK" stop --state "$STATE" >&2
        "$STACK" start --state "$STATE" --builddir "$WHARF_BUILDDIR" >/dev/null
        wait_state back1 running
        wait_state back2 running
        inspect_f stay '{{.State.Status}}'
        assert_output "exited"
        inspect_f none '{{.State.Status}}'
        assert_output "exited"
        cleanup_ctrs
}

@test "rm of a container waiting for its restart needs -f" {
        create_ctr rw "$(BB)" sh -c 'exit 1'
        set_restart_policy "$CID" always
        start_ctr rw
        # the back-off grows (100 ms doubling): soon it waits long enough to catch it restarting
        local deadline=$((SECONDS + 60)) s=""
        while [ "$SECONDS" -lt "$deadline" ]; do
                s=$(wharf inspect -f '{{.State.Status}}' rw </dev/null)
                [ "$s" = restarting ] && break
                sleep 0.05
        done
        [ "$s" = restarting ] || skip "never saw the restarting state"
        # whenever it comes (running, exiting, cleaned up, waiting for the
        # restart: docker shows "restarting" from the exit on), rm refuses
        local attempt     # not i: bats' run sets i
        for attempt in $(seq 30); do
                run --separate-stderr wharf rm rw </dev/null
                [ "$status" -eq 1 ] || { echo "rm without -f removed it (attempt $attempt): $output $stderr"; false; }
                sleep 0.03
        done
        wrun rm -f rw
        assert_status 0
        assert_no_containers
        assert_no_leaks 15
}

@test "rm: the record is gone at once, its files soon; a restarted engine sweeps what a removal left" {
        local cdir=$STATE/lib/engine/containers id i
        create_ctr rmf "$(BB)" true
        id=$(wharf inspect -f '{{.Id}}' rmf </dev/null)
        [ -d "$cdir/$id" ]
        wrun rm rmf
        assert_status 0
        [ ! -e "$cdir/$id" ]
        for i in $(seq 50); do [ -z "$(ls -A "$cdir")" ] && break; sleep 0.1; done
        [ -z "$(ls -A "$cdir")" ] || { ls -A "$cdir"; false; }
        # what an engine killed during a removal leaves behind
        mkdir -p "$cdir/.trash-$id/sub" && touch "$cdir/.trash-$id/sub/f"
        kill_all_daemons
        wrun ps -a -q
        assert_status 0
        [ ! -e "$cdir/.trash-$id" ]
}
