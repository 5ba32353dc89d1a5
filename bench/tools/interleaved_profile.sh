#!/usr/bin/env bash
# interleaved_profile.sh: what each of several daemon set-ups costs under the kernel's BPF
# hooks, measured side by side: one workload of scenario 3 (stream or churn over veth), the
# set-ups in turn, their order reversed every round so that a drift falls on all alike, each
# run under perf record, its samples split by bench/lib/perf_bpf_share.py. For A/B questions
# ("did this change cut the cost?") that a bench run an hour later cannot answer, since this
# VM's baseline moves by more than the change between the two.
#
#   sudo bench/tools/interleaved_profile.sh [--workload churn|stream] [--rounds N] [--seconds S]
#        [--preset] [--no-perf] SETUP...
#
# A SETUP is "none" (no daemon) or words joined by commas: NAME=VALUE goes into the daemon's
# environment (BPFTUNE=path runs that binary, BPFTUNE_BPF_READS=probe ...), anything else is a
# daemon option. Prints one line per run and the median of each set-up: rate, and µs per unit
# of work (connection or GB) under the hooks, of which sockops and raw_tp, and busy CPU; then
# each set-up's rate against the first's in the same round, the median of those ratios with
# a standard error from their median absolute deviation (this VM's speed moves in steps that
# last tens of seconds, so a ratio within a round is firmer than one of two medians).
# --no-perf: rates only, without perf slowing every run (the CPU columns are then 0).
set -euo pipefail
BENCH_LIB=$(cd "$(dirname "$0")/../lib" && pwd)
source "$BENCH_LIB/common.sh"
source "$BENCH_LIB/veth.sh"
source "$BENCH_LIB/workloads.sh"
source "$BENCH_LIB/../../test/lib/congestion.sh"

workload=churn rounds=4 seconds=5 preset=0 profile=1 setups=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workload) workload=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --preset) preset=1; shift ;;
    --no-perf) profile=0; shift ;;
    -*) bench_die "unknown option '$1'" ;;
    *) setups+=("$1"); shift ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
[ "${#setups[@]}" -ge 1 ] || bench_die "name at least one set-up (none, or NAME=VALUE,OPTION,...)"
case "$workload" in churn | stream) ;; *) bench_die "--workload: churn or stream" ;; esac
[ "$profile" = 0 ] || command -v perf >/dev/null || bench_die "perf is not installed"

BENCH_OUT=$(mktemp -d /tmp/bpftune-interleaved.XXXXXX)
veth_up
veth_on_down "rm -rf '$BENCH_OUT'"
allowed=$(cc_allow cubic)
veth_on_down "cc_restore_allowed '$allowed'"
for side in a b; do
  veth_exec "$side" sysctl -q -w net.ipv4.tcp_congestion_control=cubic
  [ "$preset" = 0 ] || veth_exec "$side" sysctl -q -w net.ipv4.tcp_rmem="4096 131072 16777216" \
    net.ipv4.tcp_wmem="4096 16384 16777216"
done
[ "$workload" = churn ] && workload_churn_server

# Sets rate and work (connections or GB) for one run.
run_once() {
  if [ "$workload" = churn ]; then
    workload_churn "$seconds"
    rate=$WORKLOAD_CONN_PER_S work=$(bench_calc 'r * s' r="$rate" s="$seconds")
  else
    workload_stream "$seconds" cubic
    rate=$WORKLOAD_GBPS work=$(bench_calc 'r / 8 * s' r="$rate" s="$seconds")
  fi
}

# The set-up's NAME=VALUE words are exported for the daemon's start and taken back after it;
# bench_daemon_start runs $BPFTUNE, so a BPFTUNE= word picks the binary.
start_setup() {
  local setup=$1 word binary=$BPFTUNE environment=() options=()
  [ "$setup" = none ] && return 0
  IFS=, read -ra words <<<"$setup"
  for word in "${words[@]}"; do
    case "$word" in *=*) environment+=("$word") ;; *) options+=("$word") ;; esac
  done
  for word in "${environment[@]}"; do export "${word?}"; done
  bench_daemon_start "$BENCH_OUT/daemon" "${options[@]}" --netns "$VETH_NS_A" --netns "$VETH_NS_B"
  for word in "${environment[@]}"; do unset "${word%%=*}"; done
  BPFTUNE=$binary
}

run_once >/dev/null  # warm-up
results=$BENCH_OUT/runs.txt
for ((round = 0; round < rounds; round++)); do
  for ((i = 0; i < ${#setups[@]}; i++)); do
    index=$(((round % 2) ? ${#setups[@]} - 1 - i : i))
    start_setup "${setups[$index]}"
    if [ "$profile" = 0 ]; then
      run_once
      bench_daemon_stop
      echo "$index $rate 0 0 0 0 $round" | tee -a "$results" |
        awk -v s="${setups[$index]}" '{ printf "%-50s %s\n", s, $0 }'
      continue
    fi
    perf record -q -a -g -F 1999 -e cpu-clock -o "$BENCH_OUT/perf.data" -- sleep "$seconds" \
      >/dev/null 2>&1 &
    recorder=$!
    run_once
    wait "$recorder"
    bench_daemon_stop
    perf script -i "$BENCH_OUT/perf.data" -F comm,ip,sym 2>/dev/null |
      python3 "$BENCH_LIB/perf_bpf_share.py" |
      jq -r --argjson t "$seconds" --argjson c "$(nproc)" --argjson w "$work" --arg i "$index" \
        --arg rate "$rate" '(($t * $c) / ([.samples, 1] | max) * 1e6 / $w) as $u
          | "\($i) \($rate) \(.bpf * $u) \(.by_kind.sockops * $u) \(.by_kind.raw_tp * $u) \((.samples - .idle) * $u) '"$round"'"' |
      tee -a "$results" | awk -v s="${setups[$index]}" '{ printf "%-50s %s\n", s, $0 }'
  done
done
unit=$([ "$workload" = churn ] && echo connection || echo GB)
echo "medians of $rounds rounds, $workload, $seconds s runs; µs per $unit:"
printf "%-50s %10s %10s %10s %10s %12s\n" set-up rate hooks sockops raw_tp busy
for ((i = 0; i < ${#setups[@]}; i++)); do
  printf "%-50s" "${setups[$i]}"
  for column in 2 3 4 5 6; do
    awk -v i="$i" -v c="$column" '$1 == i { print $c }' "$results" | sort -g |
      awk '{ v[NR] = $1 } END { printf " %10.4g", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  done
  echo
done
# The median of one number a line.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "rate against ${setups[0]} in the same round: median of $rounds ratios (± standard error)"
for ((i = 1; i < ${#setups[@]}; i++)); do
  ratios=$(awk -v i="$i" '$1 == 0 { base[$7] = $2 } $1 == i { mine[$7] = $2 }
    END { for (r in mine) if (base[r] > 0) print mine[r] / base[r] }' "$results")
  [ -n "$ratios" ] || continue
  ratio=$(median <<<"$ratios")
  mad=$(awk -v m="$ratio" '{ d = $1 - m; print (d < 0 ? -d : d) }' <<<"$ratios" | median)
  awk -v s="${setups[$i]}" -v m="$ratio" -v mad="$mad" -v n="$(wc -l <<<"$ratios")" \
    'BEGIN { printf "%-50s %8.4f (± %.4f)\n", s, m, 1.2533 * 1.4826 * mad / sqrt(n) }'
done
