#!/usr/bin/env bash
# Scenario 5, how fast tcp_cong's choice settles: its policy (the very functions its sockops
# program runs) against a model of Oracle bpftune's fixed 5% epsilon-greedy, on simulated
# destinations whose connections' delivery rates vary by +-40% around each algorithm's mean.
# No kernel needed; the runtime rules (the loss rule, exploration's safety net) are not part
# of it: scenario 2 measures them on emulated links. The contract is in bench/README.md.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
bench_parse_args "$@"
BENCH_BANDIT=${BENCH_BANDIT:-$BENCH_BUILD/bench/bpftune-bench-bandit}
[ -x "$BENCH_BANDIT" ] || bench_die "the simulator is not built ($BENCH_BANDIT)"

destinations=2000
connections=300
[ "$BENCH_QUICK" = 1 ] && destinations=200
for ((rep = 1; rep <= BENCH_REPS; rep++)); do
  bench_log "repetition $rep"
  "$BENCH_BANDIT" "$destinations" "$connections" "$rep" | while read -r line; do
    mapfile -t metrics < <(jq -r '.metrics | to_entries[] | "\(.key)=\(.value)"' <<<"$line")
    bench_emit "Choosing congestion control, simulated: $destinations destinations x $connections connections each" \
      "$(jq -r '"\(.path): \(.policy)"' <<<"$line")" "$rep" "${metrics[@]}"
  done
done
bench_note "Means per algorithm (cubic, bbr, reno) shaped after scenario 2's emulated links; each connection's rate is lognormal around its algorithm's mean (sigma 0.4). Goodput share: the chosen algorithm's mean over the best one's. \"after the first 20\": connections 21 on (after the change, where the path changes). \"settled\": the connection after which the preference stayed on the best algorithm; it never settles where two algorithms are within a few percent (no loss), which costs little. Oracle bpftune's model: 3 connections on the default before learning, then the cheapest by a 1/4 moving average of a cost whose rate term is each algorithm's best rate ever, and a uniformly random algorithm one connection in 20."
