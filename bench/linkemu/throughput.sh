#!/usr/bin/env bash
# Throughput of the link emulator: TCP goodput (iperf3, one stream, A->B) across it, with the
# emulator's own CPU use. Prints a Markdown table, one row per scenario.
#
#   bench/linkemu/throughput.sh [SECONDS]       (root; BPFTUNE_LINKEMU=path if not in build/)
#
# Host TCP buffers are raised far above the bandwidth-delay product, so the emulator, not
# tcp_rmem/tcp_wmem, is what limits. The first 2 seconds (slow start) are left out.
set -euo pipefail
source "$(dirname "$0")/../../test/lib/topology.sh"
topo_require_root

seconds=${1:-10}
buffers="4096 131072 134217728"

# The scenarios: a label and topo_up arguments.
scenarios=(
  "50 ms one-way, no limit|--delay 50ms"
  "50 ms one-way, no offload|--delay 50ms --no-offload"
  "50 ms one-way, 1gbit|--delay 50ms --rate 1gbit --queue 20000"
  "50 ms one-way, 0.01% loss|--delay 50ms --loss 0.01 --seed 1"
  "no delay, no limit|--delay 0"
)

# CPU seconds (user + system) the process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

run_scenario() {
  local label=$1 cpu_before cpu_after goodput json
  read -r -a args <<<"$2"
  topo_up "${args[@]}"
  for host in a b; do topo_sysctl "$host" "net.ipv4.tcp_rmem=$buffers" "net.ipv4.tcp_wmem=$buffers"; done
  cpu_before=$(cpu_seconds "$TOPO_EMU_PID")
  goodput=$(topo_iperf3 -t "$seconds" -O 2)
  cpu_after=$(cpu_seconds "$TOPO_EMU_PID")
  json=$TOPO_DIR/iperf3.json
  printf '| %s | %.2f | %s | %.0f%% |\n' "$label" "$(awk -v b="$goodput" 'BEGIN { print b / 1e9 }')" \
    "$(jq -r '.end.sum_sent.retransmits' "$json")" \
    "$(awk -v a="$cpu_before" -v b="$cpu_after" -v s="$((seconds + 2))" 'BEGIN { print 100 * (b - a) / s }')"
  topo_down 2>/dev/null
}

echo "| scenario | goodput (Gbit/s) | retransmits | emulator CPU |"
echo "|---|---|---|---|"
for scenario in "${scenarios[@]}"; do
  run_scenario "${scenario%%|*}" "${scenario#*|}"
done
