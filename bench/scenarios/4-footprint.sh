#!/usr/bin/env bash
# Scenario 4, footprint: what bpftune holds and how often it wakes. Time from exec to READY=1
# (read on a NOTIFY_SOCKET of our own), resident memory after start and after the overhead
# workloads, the BPF maps' memory, and wakeups per second while idle. Contract: bench/README.md.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/bpf_stats.sh"
source "$BENCH_LIB/veth.sh"
source "$BENCH_LIB/workloads.sh"
bench_parse_args "$@"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }

idle_s=20
workload_s=10
if [ "$BENCH_QUICK" = 1 ]; then
  idle_s=5
  workload_s=3
fi
table="Footprint: bpftune"
launcher_pid=""

# Starts bpftune under notify_ready.py; sets BENCH_DAEMON_PID and ready_s.
start_notified() {
  local dir=$1 line tries
  mkdir -p "$dir/run" "$dir/state"
  BENCH_DAEMON_LOG=$dir/bpftune.log
  BENCH_DAEMON_DIR=$dir
  BPFTUNE_RUN_DIR=$dir/run BPFTUNE_STATE_DIR=$dir/state "$BENCH_LIB/notify_ready.py" "$dir/notify.sock" \
    "$BPFTUNE" -s --netns "$VETH_NS_A" --netns "$VETH_NS_B" >"$dir/ready" 2>"$BENCH_DAEMON_LOG" &
  launcher_pid=$!
  for ((tries = 0; tries < 200; tries++)); do
    line=$(cat "$dir/ready")
    [ -n "$line" ] && break
    kill -0 "$launcher_pid" 2>/dev/null || bench_die "bpftune never sent READY=1: $(tail -n 5 "$BENCH_DAEMON_LOG")"
    sleep 0.1
  done
  [ -n "$line" ] || bench_die "no READY=1 within 20 s"
  read -r BENCH_DAEMON_PID ready_s <<<"$line"
}

# The daemon is the launcher's child, not ours: stop it by its pid, then reap the launcher.
stop_notified() {
  [ -n "$launcher_pid" ] || return 0
  [ -n "$BENCH_DAEMON_PID" ] && { bench_terminate "$BENCH_DAEMON_PID" || true; }
  BENCH_DAEMON_PID=""
  wait "$launcher_pid" 2>/dev/null || true
  launcher_pid=""
}

rss_mib() {
  awk -v field="$2:" '$1 == field { printf "%.2f\n", $2 / 1024 }' "/proc/$1/status"
}

# Times any of its threads was put on a CPU (the second field of schedstat is wait time; the
# third counts timeslices, that is, wakeups of a sleeping thread).
wakeups() {
  cat "/proc/$1/task/"*/schedstat | awk '{ n += $3 } END { print n }'
}

measure_once() {
  local rep=$1 rss_start map_bytes before after rss_after rss_peak
  start_notified "$BENCH_OUT/daemon-$rep"
  bench_note_tuners
  sleep 1
  rss_start=$(rss_mib "$BENCH_DAEMON_PID" VmRSS)
  map_bytes=$(bench_bpf_map_bytes "$BENCH_DAEMON_PID")
  before=$(wakeups "$BENCH_DAEMON_PID")
  sleep "$idle_s"
  after=$(wakeups "$BENCH_DAEMON_PID")
  workload_stream "$workload_s"
  workload_churn "$workload_s"
  rss_after=$(rss_mib "$BENCH_DAEMON_PID" VmRSS)
  rss_peak=$(rss_mib "$BENCH_DAEMON_PID" VmHWM)
  stop_notified
  bench_emit "$table" "bpftune" "$rep" "exec to READY=1 (s)=$ready_s" \
    "RSS after start (MiB)=$rss_start" "RSS after traffic (MiB)=$rss_after" \
    "peak RSS (MiB)=$rss_peak" "BPF map memory (KiB)=$(bench_calc 'b / 1024' b="$map_bytes")" \
    "idle wakeups/s=$(bench_calc '(a - b) / s' a="$after" b="$before" s="$idle_s")"
}

veth_up
veth_on_down stop_notified
workload_churn_server
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
  bench_log "repetition $rep"
  bench_lock_acquire
  measure_once "$rep"
  bench_lock_release
done
veth_down
bench_note "Started as systemd would (NOTIFY_SOCKET, no watchdog), limited to two veth namespaces; idle for ${idle_s} s (wakeups: timeslices of all its threads, /proc/PID/task/*/schedstat), then a ${workload_s} s max-rate stream and ${workload_s} s of connection churn before \"RSS after traffic\". BPF map memory: bytes_memlock of the maps it holds (bpftool)."
