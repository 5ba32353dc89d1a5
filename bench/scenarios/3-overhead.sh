#!/usr/bin/env bash
# Scenario 3, overhead: what running bpftune costs at full speed over a bare veth pair. A
# max-rate TCP stream and a connection-churn workload, each run without and with the daemon
# in several alternating pairs per repetition; the daemon's CPU time during them; then one more
# run with the daemon and kernel.bpf_stats_enabled for its BPF programs' own run time.
# Contract: bench/README.md.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/bpf_stats.sh"
source "$BENCH_LIB/steal.sh"
source "$BENCH_LIB/veth.sh"
source "$BENCH_LIB/workloads.sh"
source "$BENCH_LIB/../../test/lib/congestion.sh"
bench_parse_args "$@"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }

# This VM's speed moves in steps of 10-20% that last tens of seconds, with or without the daemon
# (24 blocks of five 1 s churn runs without it, 2026-12-07: 12,000 to 15,000 connections/s,
# each block like its neighbours; CPU time per connection moved with the rate, so it is the
# machine, not stolen time). A pair whose two runs straddle a step is off by the step, so the
# churn pairs are short and many: 1 s runs, the daemon started (and settled, 3 s) between them,
# so the two runs of a pair are about 5 s apart (about 20 s in the resting row when the run
# without comes first: the daemon's unmeasured churn until tcp_cong rests lies between); each
# repetition averages the pairs' ratios, ordered without-with, with-without, ... so that a
# drift falls on both sides alike. The stream keeps 5 s runs: iperf3's first second is its
# ramp.
workload_s=5 stream_pairs=4 churn_pairs=20 churn_pair_s=1
[ "$BENCH_QUICK" = 1 ] && workload_s=2 stream_pairs=1 churn_pairs=1 churn_pair_s=2
table="Overhead: max-rate stream and connection churn over veth, with bpftune / without"
bpf_table="Overhead: BPF programs' own run time during the workload (with bpftune, kernel.bpf_stats_enabled=1)"
cpu_table="Overhead: CPU under the kernel's BPF hooks (perf samples; with bpftune minus without)"

# Sets result_value, the workload's figure, for a run of run_s seconds (workload_s unless
# set). The stream sets cubic on its socket, so tcp_cong
# leaves it alone: a fresh daemon tries the algorithms on its first connections to a
# destination, and over veth bbr moves about half what cubic does (see cubic_by_default),
# so the ratio would say which algorithm the one connection drew, not what running costs.
run_workload() {
  case "$1" in
    stream) workload_stream "${run_s:-$workload_s}" cubic; result_value=$WORKLOAD_GBPS ;;
    churn) workload_churn "${run_s:-$workload_s}"; result_value=$WORKLOAD_CONN_PER_S ;;
  esac
}

# Programs' counters after minus before, matched by id.
bpf_stats_delta() {
  jq -sc --argjson before "$(jq -sc . <<<"$1")" '.[] | . as $now
    | ($before | map(select(.id == $now.id)) | first // {run_time_ns: 0, run_cnt: 0}) as $was
    | {name, run_time_ns: (.run_time_ns - $was.run_time_ns), run_cnt: (.run_cnt - $was.run_cnt)}' <<<"$2"
}

# The changes the daemon made: one log line each, "bpftune: net.ipv4.tcp_wmem ... -> ...".
changes_made() {
  grep -c "^bpftune: net\.[^ ]* .* -> .* in netns" "$1" || true
}

# Both namespaces default to cubic, a stock kernel's default, whatever the host has (as in
# test/lib/topology.sh): the workloads then run what most hosts run, and over veth the
# algorithm alone moves a stream a lot (bbr 18-25, cubic 34-43 Gbit/s in three 3 s runs each
# here). cubic goes on the host's allowed list until the end (test/lib/congestion.sh).
allowed_before=""
cubic_by_default() {
  local side
  allowed_before=$(cc_allow cubic)
  for side in a b; do
    veth_exec "$side" sysctl -q -w net.ipv4.tcp_congestion_control=cubic
  done
}

restore_allowed() {
  if [ -n "$allowed_before" ]; then cc_restore_allowed "$allowed_before"; fi
  allowed_before=""
}

# run_workload, and stolen_percent: the hypervisor's share of the CPU time meanwhile.
run_workload_seeing_steal() {
  local ticks
  ticks=$(bench_steal_ticks)
  run_workload "$1"
  stolen_percent=$(bench_stolen_percent "$ticks" "$(bench_steal_ticks)")
}

# tcp_cong rests (detaches its sockops program) after a watch period of 15 s in which a flood
# of connections taught it nothing (tuners/tcp_cong/tcp_cong_rest.hpp), as a daemon that has
# served churn for a while has. Unmeasured churn until it says so, at most 40 s.
churn_until_tcp_cong_rests() {
  local deadline=$((SECONDS + 40))
  until BPFTUNE_RUN_DIR=$BENCH_DAEMON_DIR/run "$BPFTUNE" -q tuners --json 2>/dev/null |
    jq -e '[.tuners[].statistics[]? | select(startswith("tcp_cong: resting"))] | length > 0' >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || bench_die "tcp_cong did not rest within 40 s of churn"
    workload_churn 2
  done
}

# Sets result_value, stolen_percent, cpu_s (the daemon's CPU seconds during the workload) and
# changes. Tag "resting": churn first, until tcp_cong rests.
run_with_daemon() {
  local workload=$1 tag=$2 cpu_before
  bench_daemon_start "$BENCH_OUT/daemon-$workload-$tag" --netns "$VETH_NS_A" --netns "$VETH_NS_B"
  bench_note_tuners
  case "$tag" in resting-*) churn_until_tcp_cong_rests ;; esac
  cpu_before=$(bench_cpu_seconds "$BENCH_DAEMON_PID")
  run_workload_seeing_steal "$workload"
  cpu_s=$(bench_calc 'a - b' a="$(bench_cpu_seconds "$BENCH_DAEMON_PID")" b="$cpu_before")
  bench_daemon_stop
  changes=$(changes_made "$BENCH_DAEMON_LOG")
}

# The pairs' own ratios are summed up by their median, not their mean: a pair whose two runs
# straddle one of this VM's steps in speed (about one in six of them, 2026-12-07) is off by
# the step, 10-25% either way, where the others agree within a few percent. Its standard
# error is estimated from the median absolute deviation (1.4826 MAD is the sd of a normal
# sample, and a median's standard error is 1.2533 sd / sqrt(n)), so those few pairs do not
# set it either: about how far the row's ratio may be from what more pairs would give (null,
# shown as "—", with one pair). Earlier: 5 s runs 10 s apart, the mean of 20 pairs, resolved
# 0.019.
median_of() {
  sort -g <<<"$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.6g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

median_standard_error() {
  local median deviations
  median=$(median_of "$1")
  [ "$(wc -l <<<"$1")" -ge 2 ] || { echo null; return 0; }
  deviations=$(awk -v m="$median" '{ d = $1 - m; print (d < 0 ? -d : d) }' <<<"$1")
  awk -v mad="$(median_of "$deviations")" -v n="$(wc -l <<<"$1")" \
    'BEGIN { printf "%.6g\n", 1.2533 * 1.4826 * mad / sqrt(n) }'
}

# measure_pairs WORKLOAD REPETITION LABEL PAIRS TAG SECONDS: the row's ratio is the median of
# the pairs' own ratios (with / without), each pair two runs of SECONDS next to each other.
measure_pairs() {
  local workload=$1 rep=$2 label=$3 pairs=$4 tag=$5 run_s=$6 pair mode order sum_without=0
  local sum_with=0 sum_cpu=0 sum_changes=0 with_value without_value pair_ratios=""
  local stolen_with=0 stolen_without=0
  for ((pair = 1; pair <= pairs; pair++)); do
    order="without with"
    [ $(((pair + rep) % 2)) = 1 ] && order="with without"
    for mode in $order; do
      bench_log "$workload, $mode bpftune, repetition $rep, pair $pair of $pairs"
      if [ "$mode" = with ]; then
        run_with_daemon "$workload" "$tag-$rep-$pair"
        with_value=$result_value
        sum_with=$(bench_calc 's + v' s="$sum_with" v="$result_value")
        sum_cpu=$(bench_calc 's + v' s="$sum_cpu" v="$cpu_s")
        sum_changes=$((sum_changes + changes))
        stolen_with=$(bench_calc 's + v' s="$stolen_with" v="$stolen_percent")
      else
        run_workload_seeing_steal "$workload"
        without_value=$result_value
        sum_without=$(bench_calc 's + v' s="$sum_without" v="$result_value")
        stolen_without=$(bench_calc 's + v' s="$stolen_without" v="$stolen_percent")
      fi
    done
    pair_ratios+="$(bench_calc 'w / o' w="$with_value" o="$without_value")"$'\n'
    bench_log "$workload, pair $pair ($order): without $without_value, with $with_value"
  done
  bench_emit "$table" "$label" "$rep" \
    "without=$(bench_calc 's / n' s="$sum_without" n="$pairs")" \
    "with=$(bench_calc 's / n' s="$sum_with" n="$pairs")" \
    "with / without=$(median_of "${pair_ratios%$'\n'}")" \
    "± (standard error of the pairs' median)=$(median_standard_error "${pair_ratios%$'\n'}")" \
    "CPU stolen without (%)=$(bench_calc 'o / n' o="$stolen_without" n="$pairs")" \
    "CPU stolen with (%)=$(bench_calc 'w / n' w="$stolen_with" n="$pairs")" \
    "daemon CPU (s)=$sum_cpu" \
    "daemon CPU (% of a core)=$(bench_calc '100 * c / (s * n)' c="$sum_cpu" s="$run_s" n="$pairs")" \
    "changes per run=$(bench_calc 'c / n' c="$sum_changes" n="$pairs")"
}

# set_buffers RMEM WMEM, in both namespaces. Over veth the daemon may raise tcp_wmem during a
# stream (its send buffer fills at the 4 MiB ceiling; seen 4 -> 8 MiB in one run of two), so
# the default row mixes what a change gains with what running costs; with both ceilings
# already at 16 MiB there is nothing to raise and the preset row is the cost alone.
set_buffers() {
  local side
  for side in a b; do
    veth_exec "$side" sysctl -q -w net.ipv4.tcp_rmem="$1" net.ipv4.tcp_wmem="$2"
  done
}

# Timing every program run costs about 100 ns here (a program that does nearly nothing
# measures 170 ns), so the ratios above are taken with the statistics off and this run is apart.
measure_bpf_run_time() {
  local workload=$1 rep=$2 bpf_before bpf_delta name run_time_ns run_cnt total_ns=0 total_cnt=0
  bench_log "$workload, with bpftune and BPF statistics, repetition $rep"
  bench_bpf_stats_set 1
  bench_daemon_start "$BENCH_OUT/daemon-$workload-$rep-stats" --netns "$VETH_NS_A" --netns "$VETH_NS_B"
  bpf_before=$(bench_bpf_prog_stats "$BENCH_DAEMON_PID")
  run_workload "$workload"
  bpf_delta=$(bpf_stats_delta "$bpf_before" "$(bench_bpf_prog_stats "$BENCH_DAEMON_PID")")
  bench_daemon_stop
  bench_bpf_stats_set 0
  while read -r name run_time_ns run_cnt; do
    total_ns=$((total_ns + run_time_ns)) total_cnt=$((total_cnt + run_cnt))
    emit_bpf_row "$workload: $name" "$rep" "$run_time_ns" "$run_cnt" "$result_value"
  done < <(jq -r '"\(.name) \(.run_time_ns) \(.run_cnt)"' <<<"$bpf_delta")
  emit_bpf_row "$workload: all programs" "$rep" "$total_ns" "$total_cnt" "$result_value"
}

# Per unit of work too (per connection for churn, per GB for the stream), so runs of
# different speeds compare.
emit_bpf_row() {
  local row=$1 rep=$2 run_time_ns=$3 run_cnt=$4 rate=$5 per_unit
  case "$row" in
    stream:*) per_unit="ns per GB=$(bench_calc 'n / w' n="$run_time_ns" w="$(work_done stream "$rate")")" ;;
    churn:*) per_unit="ns per connection=$(bench_calc 'n / w' n="$run_time_ns" w="$(work_done churn "$rate")")" ;;
  esac
  bench_emit "$bpf_table" "$row" "$rep" \
    "run time (ms)=$(bench_calc 'n / 1e6' n="$run_time_ns")" "runs=$run_cnt" \
    "ns per run=$(bench_calc 'c > 0 ? n / c : 0' n="$run_time_ns" c="$run_cnt")" \
    "% of a core=$(bench_calc '100 * n / 1e9 / s' n="$run_time_ns" s="$workload_s")" \
    "$per_unit"
}

# What a run spends under the kernel's BPF entry points (bench/lib/perf_bpf_share.py): the
# programs, their helpers, the work those do and the dispatch, which the programs' own run
# time leaves out (in a churn profile the sockops dispatch took as many samples as tcp_cong's
# program). System-wide cpu-clock samples with call chains; one run without bpftune, for
# whatever else on the host uses those hooks, and one with it; the difference per unit of work.
perf_usable() {
  command -v perf >/dev/null &&
    perf record -q -a -g -e cpu-clock -o "$BENCH_OUT/perf-probe.data" -- true >/dev/null 2>&1 &&
    rm -f "$BENCH_OUT/perf-probe.data"
}

# Sets perf_bpf_s, perf_busy_s and perf_sockops_s, perf_raw_tp_s (CPU seconds) for one run.
profiled_run() {
  local workload=$1 data=$BENCH_OUT/perf-$1-$2.data share cpus recorder
  cpus=$(nproc)
  perf record -q -a -g -F 999 -e cpu-clock -o "$data" -- sleep "$workload_s" >/dev/null 2>&1 &
  recorder=$!
  run_workload "$workload"
  wait "$recorder" || bench_die "perf record failed"
  share=$(perf script -i "$data" -F comm,ip,sym 2>/dev/null | python3 "$BENCH_LIB/perf_bpf_share.py")
  rm -f "$data"
  # Each sample stands for elapsed x CPUs / samples seconds of some CPU's time.
  read -r perf_bpf_s perf_busy_s perf_sockops_s perf_raw_tp_s < <(jq -r --argjson t "$workload_s" \
    --argjson c "$cpus" '($t * $c / ([.samples, 1] | max)) as $w
      | "\(.bpf * $w) \((.samples - .idle) * $w) \(.by_kind.sockops * $w) \(.by_kind.raw_tp * $w)"' <<<"$share")
}

# The work of one run: GB for the stream, connections for churn.
work_done() {
  case "$1" in
    stream) bench_calc 'r / 8 * s' r="$2" s="$workload_s" ;;
    churn) bench_calc 'r * s' r="$2" s="$workload_s" ;;
  esac
}

# CPU microseconds per unit of work, with bpftune (CPU seconds $1 over $work_with) minus
# without ($2 over $work_without).
per_unit_delta() {
  bench_calc '1e6 * (a / w - b / o)' a="$1" w="$work_with" b="$2" o="$work_without"
}

measure_bpf_cpu() {
  local workload=$1 rep=$2 unit work_without work_with without=() per_unit
  bench_log "$workload, profiled without and with bpftune, repetition $rep"
  profiled_run "$workload" "$rep-without"
  work_without=$(work_done "$workload" "$result_value")
  without=("$perf_bpf_s" "$perf_sockops_s" "$perf_raw_tp_s" "$perf_busy_s")
  bench_daemon_start "$BENCH_OUT/daemon-$workload-$rep-perf" --netns "$VETH_NS_A" --netns "$VETH_NS_B"
  profiled_run "$workload" "$rep-with"
  bench_daemon_stop
  work_with=$(work_done "$workload" "$result_value")
  unit="GB"
  [ "$workload" = churn ] && unit="connection"
  per_unit=$(per_unit_delta "$perf_bpf_s" "${without[0]}")
  bench_emit "$cpu_table" "$workload (µs per $unit)" "$rep" \
    "under BPF hooks (µs/unit)=$per_unit" \
    "of which sockops (µs/unit)=$(per_unit_delta "$perf_sockops_s" "${without[1]}")" \
    "of which raw_tp (µs/unit)=$(per_unit_delta "$perf_raw_tp_s" "${without[2]}")" \
    "busy CPU without bpftune (µs/unit)=$(bench_calc '1e6 * u / o' u="${without[3]}" o="$work_without")" \
    "busy CPU with bpftune (µs/unit)=$(bench_calc '1e6 * u / w' u="$perf_busy_s" w="$work_with")" \
    "BPF, % of the busy CPU=$(bench_calc '100 * p / (1e6 * u / o)' p="$per_unit" u="${without[3]}" o="$work_without")"
}

have_perf=0
perf_usable && have_perf=1
veth_up
veth_on_down bench_daemon_stop
veth_on_down bench_bpf_stats_restore
veth_on_down restore_allowed
cubic_by_default
# Off for the ratios whatever the host had; the host's value is put back at the end.
bench_bpf_stats_set 0
default_rmem=$(veth_exec a sysctl -n net.ipv4.tcp_rmem)
default_wmem=$(veth_exec a sysctl -n net.ipv4.tcp_wmem)
workload_churn_server
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
  bench_lock_acquire
  measure_pairs stream "$rep" "TCP stream, Gbit/s" "$stream_pairs" default "$workload_s"
  set_buffers "4096 131072 16777216" "4096 16384 16777216"
  measure_pairs stream "$rep" "TCP stream, buffer ceilings preset to 16 MiB, Gbit/s" "$stream_pairs" preset "$workload_s"
  set_buffers "$default_rmem" "$default_wmem"
  measure_pairs churn "$rep" "connection churn, connections/s" "$churn_pairs" resting "$churn_pair_s"
  measure_pairs churn "$rep" "connection churn, the daemon's first 15 s (tcp_cong watching), connections/s" \
    "$churn_pairs" watching "$churn_pair_s"
  measure_bpf_run_time stream "$rep"
  measure_bpf_run_time churn "$rep"
  if [ "$have_perf" = 1 ]; then
    measure_bpf_cpu stream "$rep"
    measure_bpf_cpu churn "$rep"
  fi
  bench_lock_release
done
veth_down
bench_note "Each repetition: ${stream_pairs} pairs of ${workload_s} s runs (stream) or ${churn_pairs} pairs of ${churn_pair_s} s runs (each churn row), without and with bpftune in alternating order, the daemon started and settled before each run with it (in the first churn row also fed unmeasured churn until tcp_cong rested, as it does after 15 s of a flood it learns nothing from and then for 5 minutes in every 5 minutes 15 s; the second row is its first 15 s, tcp_cong watching, the cost of those 15 s) (the without and with columns are the means of each side, the ratio the median of the pairs' own ratios), kernel.bpf_stats_enabled=0; then one ${workload_s} s run per workload with bpftune and kernel.bpf_stats_enabled=1 for the BPF table. bpftune is limited to the two veth namespaces (--netns); its BPF programs still see every socket of the host. Preset: tcp_rmem and tcp_wmem max 16 MiB in both namespaces before those runs (bpftune then has nothing to raise). Both namespaces default to cubic (the host's own default may differ); the stream sets cubic on its socket (iperf3 -C), so tcp_cong leaves it to the application. Churn: one 64-byte request, one 1 KiB reply, server closes first, one connection at a time, client on CPU 0 and server on CPU 1, at most 2048 TIME_WAIT sockets."
if [ "$have_perf" = 1 ]; then
  bench_note "CPU under BPF hooks: one more ${workload_s} s run per workload without and one with bpftune (statistics off), each under perf record -a -g -F 999 -e cpu-clock; a sample counts when its call chain passes through a hook's entry point (__cgroup_bpf_run_filter_sock_ops, bpf_trace_run*, ...: the programs, their helpers and what those do in the kernel, and the dispatch); the figure is with minus without, per unit of each run's work. Busy CPU: samples not idle, all CPUs."
else
  bench_note "No CPU-under-BPF-hooks table: perf is not installed or cannot record here."
fi
