#!/usr/bin/env bash
# Scenario 1, buffer convergence: a 500 Mbit/s link, the buffer ceiling of one side lowered to
# 128 KiB, a long iperf3 transfer sampled every second; without bpftune, with it, and with a
# static expert value (16 MiB, as the seed documents and TuneD's network-throughput profile set).
# The contract with bench/run is in bench/README.md. BENCH_BUFFER_CASES (default
# "rmem:20 rmem:100 rmem:200 wmem:20 wmem:100 wmem:200", tunable:RTT in ms) narrows the matrix.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/../../test/lib/topology.sh"
bench_parse_args "$@"
topo_require_root

link_rate_bps=500000000
lowered_bytes=131072
expert_bytes=16777216
# The side not under test gets far more than any BDP here, so it never limits.
roomy_bytes=134217728
transfer_s=60
cases="rmem:20 rmem:100 rmem:200 wmem:20 wmem:100 wmem:200"
if [ "$BENCH_QUICK" = 1 ]; then
  transfer_s=12
  cases=rmem:100
fi
cases=${BENCH_BUFFER_CASES:-$cases}
modes="without daemon static"

# The namespace whose ceiling is lowered: the receiver for tcp_rmem, the sender for tcp_wmem.
tested_host() { [ "$1" = rmem ] && echo b || echo a; }
tested_ns() { [ "$1" = rmem ] && echo "$TOPO_NS_B" || echo "$TOPO_NS_A"; }
mode_label() {
  case "$1" in
    without) echo "without bpftune" ;;
    daemon) echo "with bpftune" ;;
    static) echo "static 16 MiB" ;;
  esac
}

# Host defaults for [0] and [1]; [2] is what the scenario is about.
buffer_triple() {
  local side=$1 max_bytes=$2
  [ "$side" = rmem ] && echo "4096 131072 $max_bytes" || echo "4096 16384 $max_bytes"
}

set_buffers() {
  local side=$1 mode=$2 tested_max=$lowered_bytes
  [ "$mode" = static ] && tested_max=$expert_bytes
  if [ "$side" = rmem ]; then
    topo_sysctl a "net.ipv4.tcp_wmem=$(buffer_triple wmem $roomy_bytes)"
    topo_sysctl b "net.ipv4.tcp_rmem=$(buffer_triple rmem "$tested_max")"
  else
    topo_sysctl a "net.ipv4.tcp_wmem=$(buffer_triple wmem "$tested_max")"
    topo_sysctl b "net.ipv4.tcp_rmem=$(buffer_triple rmem $roomy_bytes)"
  fi
}

# Receiver-side goodput of each second, in bits/s, one a line: the server's JSON intervals,
# because a sender's per-second figure counts bytes still sitting in its buffer.
transfer() {
  local server_json=$TOPO_DIR/server.json client_json=$TOPO_DIR/client.json server
  topo_exec b iperf3 -s -1 -J -i 1 >"$server_json" 2>"$TOPO_DIR/server.err" &
  server=$!
  topo_wait_listening b 5201
  # Cubic, the kernel's default, per socket: a namespace may only default to what the host
  # allows (here reno and bbr), and congestion control is scenario 2's experiment anyway.
  topo_exec a iperf3 -c "$TOPO_B4" -C cubic -t "$transfer_s" -i 1 -J >"$client_json" ||
    bench_die "iperf3 failed: $(jq -r '.error // empty' "$client_json")"
  wait "$server" || bench_die "iperf3 server failed: $(cat "$TOPO_DIR/server.err")"
  jq -r '.intervals[].sum | select(.seconds > 0.5) | .bits_per_second' "$server_json"
}

# The first second whose goodput reached 90% of the link rate, or null.
seconds_to_90() {
  awk -v target="$(bench_calc '0.9 * r' r=$link_rate_bps)" \
    '$1 >= target { print NR; found = 1; exit } END { if (!found) print "null" }'
}

last_10s_fraction() {
  tail -n 10 | awk -v rate=$link_rate_bps '{ sum += $1; n++ } END { printf "%.4f\n", sum / n / rate }'
}

# Its writes to the lowered tunable in the tested namespace (it may raise the other side's
# ceilings too; those are not what this row is about).
daemon_changes() {
  local tunable=$1 ns=$2
  [ -n "$BENCH_DAEMON_LOG" ] || { echo 0; return; }
  grep -c "net.ipv4.$tunable (min default max) .* -> .* in netns $ns:" "$BENCH_DAEMON_LOG" || true
}

run_once() {
  local side=$1 rtt_ms=$2 mode=$3 rep=$4 goodput final_bytes bdp_bytes changes detail
  topo_up --rate 500mbit --rtt "${rtt_ms}ms"
  set_buffers "$side" "$mode"
  BENCH_DAEMON_LOG=""
  if [ "$mode" = daemon ]; then
    topo_on_down bench_daemon_stop
    bench_daemon_start "$TOPO_DIR/daemon" --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
    bench_note_tuners
  fi
  goodput=$(transfer)
  final_bytes=$(ip netns exec "$(tested_ns "$side")" sysctl -n "net.ipv4.tcp_$side" | awk '{ print $3 }')
  changes=$(daemon_changes "tcp_$side" "$(tested_ns "$side")")
  bdp_bytes=$(bench_calc 'r * t / 8000' r=$link_rate_bps t="$rtt_ms")
  detail=$BENCH_OUT/detail/$side-${rtt_ms}ms-$mode-$rep
  mkdir -p "$BENCH_OUT/detail"
  echo "$goodput" >"$detail.goodput_bps"
  [ -n "$BENCH_DAEMON_LOG" ] && cp "$BENCH_DAEMON_LOG" "$detail.bpftune.log"
  bench_emit "Buffer convergence: tcp_${side}[2] lowered to 128 KiB in the $([ "$side" = rmem ] && echo receiver || echo sender)" \
    "RTT $rtt_ms ms, $(mode_label "$mode")" "$rep" \
    "goodput last 10 s / link=$(last_10s_fraction <<<"$goodput")" \
    "s to 90% of link=$(seconds_to_90 <<<"$goodput")" \
    "changes=$changes" \
    "final tcp_${side}[2] (MiB)=$(bench_calc 'b / 1048576' b="$final_bytes")" \
    "final / BDP=$(bench_calc 'b / d' b="$final_bytes" d="$bdp_bytes")"
  topo_down 2>/dev/null
}

# What one case takes: each mode's transfer plus about 15 s of set-up and teardown.
case_s=$((BENCH_REPS * 3 * (transfer_s + 15)))
skipped=""
for case in $cases; do
  side=${case%%:*} rtt_ms=${case#*:}
  if ! bench_fits "$case_s"; then
    skipped+=" tcp_$side at RTT $rtt_ms ms;"
    continue
  fi
  for ((rep = 1; rep <= BENCH_REPS; rep++)); do
    # Modes interleave within a repetition, so a slow drift of the machine hits them alike.
    for mode in $modes; do
      bench_log "tcp_$side, RTT $rtt_ms ms, $(mode_label "$mode"), repetition $rep"
      bench_lock_acquire
      run_once "$side" "$rtt_ms" "$mode" "$rep"
      bench_lock_release
    done
  done
done
[ -z "$skipped" ] || bench_note "Not run, for lack of time (BENCH_DEADLINE):${skipped%;}."
bench_note "Link 500 Mbit/s (the emulator's rate; TCP goodput tops out near 95% of it), cubic, ${transfer_s} s iperf3 transfer; goodput measured at the receiver each second. BDP = rate x RTT. \"—\": 90% never reached. Changes: writes by bpftune to the lowered tunable (the static row is set once before the transfer)."
