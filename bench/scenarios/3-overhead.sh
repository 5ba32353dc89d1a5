#!/usr/bin/env bash
# Scenario 3, overhead: what running bpftune costs at full speed over a bare veth pair. A
# max-rate TCP stream and a connection-churn workload, each run without and with the daemon,
# the order alternating between repetitions; the daemon's CPU time and its BPF programs' own
# run time (kernel.bpf_stats_enabled) during the workload. Contract: bench/README.md.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/bpf_stats.sh"
source "$BENCH_LIB/veth.sh"
source "$BENCH_LIB/workloads.sh"
bench_parse_args "$@"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }

workload_s=15
[ "$BENCH_QUICK" = 1 ] && workload_s=4
table="Overhead: max-rate stream and connection churn over veth, with bpftune / without"
bpf_table="Overhead: BPF programs' own run time during the workload (with bpftune)"

# Sets result_value (the workload's figure) and, with the daemon, cpu_s and bpf_delta (one
# JSON object a line per program: name, run_time_ns, run_cnt during the workload).
run_workload() {
  local workload=$1
  case "$workload" in
    stream) workload_stream "$workload_s"; result_value=$WORKLOAD_GBPS ;;
    churn) workload_churn "$workload_s"; result_value=$WORKLOAD_CONN_PER_S ;;
  esac
}

# Programs' counters after minus before, matched by id.
bpf_stats_delta() {
  jq -sc --argjson before "$(jq -sc . <<<"$1")" '.[] | . as $now
    | ($before | map(select(.id == $now.id)) | first // {run_time_ns: 0, run_cnt: 0}) as $was
    | {name, run_time_ns: (.run_time_ns - $was.run_time_ns), run_cnt: (.run_cnt - $was.run_cnt)}' <<<"$2"
}

run_with_daemon() {
  local workload=$1 rep=$2 cpu_before bpf_before
  bench_daemon_start "$BENCH_OUT/daemon-$workload-$rep" --netns "$VETH_NS_A" --netns "$VETH_NS_B"
  bench_note "Active tuners: $(bench_daemon_tuners)."
  cpu_before=$(bench_cpu_seconds "$BENCH_DAEMON_PID")
  bpf_before=$(bench_bpf_prog_stats "$BENCH_DAEMON_PID")
  run_workload "$workload"
  cpu_s=$(bench_calc 'a - b' a="$(bench_cpu_seconds "$BENCH_DAEMON_PID")" b="$cpu_before")
  bpf_delta=$(bpf_stats_delta "$bpf_before" "$(bench_bpf_prog_stats "$BENCH_DAEMON_PID")")
  bench_daemon_stop
}

emit_bpf_rows() {
  local workload=$1 rep=$2 name run_time_ns run_cnt
  while read -r name run_time_ns run_cnt; do
    bench_emit "$bpf_table" "$workload: $name" "$rep" \
      "run time (ms)=$(bench_calc 'n / 1e6' n="$run_time_ns")" "runs=$run_cnt" \
      "ns per run=$(bench_calc 'c > 0 ? n / c : 0' n="$run_time_ns" c="$run_cnt")" \
      "% of a core=$(bench_calc '100 * n / 1e9 / s' n="$run_time_ns" s="$workload_s")"
  done < <(jq -r '"\(.name) \(.run_time_ns) \(.run_cnt)"' <<<"$bpf_delta")
}

measure_pair() {
  local workload=$1 rep=$2 label=$3 without with mode order="without with" bpf_ns
  [ $((rep % 2)) = 0 ] && order="with without"
  for mode in $order; do
    bench_log "$workload, $mode bpftune, repetition $rep"
    if [ "$mode" = with ]; then
      run_with_daemon "$workload" "$rep"
      with=$result_value
    else
      run_workload "$workload"
      without=$result_value
    fi
  done
  bpf_ns=$(jq -s 'map(.run_time_ns) | add // 0' <<<"$bpf_delta")
  bench_emit "$table" "$label" "$rep" "without=$without" "with=$with" \
    "with / without=$(bench_calc 'w / o' w="$with" o="$without")" \
    "daemon CPU (s)=$cpu_s" "daemon CPU (% of a core)=$(bench_calc '100 * c / s' c="$cpu_s" s="$workload_s")" \
    "BPF run time (ms)=$(bench_calc 'n / 1e6' n="$bpf_ns")" \
    "BPF (% of a core)=$(bench_calc '100 * n / 1e9 / s' n="$bpf_ns" s="$workload_s")"
  emit_bpf_rows "$workload" "$rep"
}

veth_up
veth_on_down bench_daemon_stop
veth_on_down bench_bpf_stats_restore
bench_bpf_stats_enable
workload_churn_server
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
  bench_lock_acquire
  measure_pair stream "$rep" "TCP stream, Gbit/s"
  measure_pair churn "$rep" "connection churn, connections/s"
  bench_lock_release
done
veth_down
bench_note "Each workload runs ${workload_s} s per mode; the order of without/with alternates between repetitions. bpftune is limited to the two veth namespaces (--netns); its BPF programs still see every socket of the host. kernel.bpf_stats_enabled=1 during the scenario (it adds the programs' timing cost to the \"with\" runs). Churn: one 64-byte request, one 1 KiB reply, server closes first, one connection at a time."
