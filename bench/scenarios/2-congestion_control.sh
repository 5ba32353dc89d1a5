#!/usr/bin/env bash
# Scenario 2, congestion control: a 100 Mbit/s emulated link with random loss {0, 1, 5, 10}%
# and RTT {10, 100} ms; transfers with cubic on every socket, with bbr on every socket, and
# with bpftune's tcp_cong choosing (after warm-up connections). Goodput of the measured
# transfers, tcp_cong's as a share of the better static choice, and the connections it took
# to settle. The contract with bench/run is in bench/README.md. BENCH_CONG_CASES (default
# "10:0 10:1 10:5 10:10 100:0 100:1 100:5 100:10", RTT in ms:loss in %) narrows the matrix.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/../../test/lib/topology.sh"
BT_LIB=$BENCH_LIB/../../test/lib
source "$BT_LIB/transfers.sh"
bench_parse_args "$@"
topo_require_root

cases="10:0 10:1 10:5 10:10 100:0 100:1 100:5 100:10"
measured_rounds=${BENCH_CONG_ROUNDS:-4}
warmup_transfers=12
warmup_bytes=262144
if [ "$BENCH_QUICK" = 1 ]; then
  cases=100:5
  measured_rounds=${BENCH_CONG_ROUNDS:-2}
  warmup_transfers=8
fi
cases=${BENCH_CONG_CASES:-$cases}
# BENCH_CONG_ROUNDS: more rounds narrow the spread of bbr's and tcp_cong's figures.
cubic_every=$(( (measured_rounds + 3) / 4 ))
cubic_rounds=$(( (measured_rounds + cubic_every - 1) / cubic_every ))

# Larger transfers where they finish in reasonable time with cubic: 4 MiB at 10 ms, 1 MiB at
# 100 ms (cubic at 10% loss moves about 0.5 Mbit/s there).
transfer_bytes() { [ "$1" -le 10 ] && echo 4194304 || echo 1048576; }
[ "$BENCH_QUICK" = 1 ] && transfer_bytes() { echo 262144; }

mbit() { bench_calc 'b / 1e6' b="$1"; }

# The connections tcp_cong had counted towards B when it last changed its preference there.
connections_to_settle() {
  sed -n "s/.*connections to $TOPO_B4 in netns $TOPO_NS_A now get .* over \([0-9]*\) connection.*/\1/p" \
    "$BENCH_DAEMON_LOG" | tail -n 1 | grep . || echo null
}

# One transfer of $bytes; appends "MODE SECONDS ALGORITHM" to $TOPO_DIR/measured.
measured_transfer() {
  local mode=$1
  shift
  tr_send 1 "$bytes" "$@" >/dev/null || bench_die "a measured $mode transfer failed"
  jq -r --arg mode "$mode" '"\($mode) \(.seconds) \(.congestion)"' "$TOPO_DIR/transfers.jsonl" \
    >>"$TOPO_DIR/measured"
}

# A mode's goodput over all its measured transfers, in bits/s: bytes over seconds, summed.
mode_goodput() {
  awk -v mode="$1" -v bytes="$bytes" '$1 == mode { s += $2; n++ }
    END { if (n) printf "%d\n", n * bytes * 8 / s; else print "null" }' "$TOPO_DIR/measured"
}

run_once() {
  local rtt_ms=$1 loss=$2 rep=$3 cubic bbr best tuned bbr_share settled round mode
  bytes=$(transfer_bytes "$rtt_ms")
  label=rtt${rtt_ms}-loss${loss}
  topo_up --rate 100mbit --rtt "${rtt_ms}ms" --loss "$loss" --seed "$rep"
  topo_on_down bench_daemon_stop
  tr_serve_roomy
  # A fresh daemon learns from nothing; the static transfers set their algorithm on the
  # socket, which tcp_cong leaves alone (and does not learn from), so all three modes can
  # take turns on the same link while it runs.
  bench_daemon_start "$TOPO_DIR/daemon" --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
  bench_note_tuners
  tr_send "$warmup_transfers" "$warmup_bytes" >/dev/null || bench_die "warm-up transfers failed"
  : >"$TOPO_DIR/measured"
  for ((round = 0; round < measured_rounds; round++)); do
    # The order rotates, so no mode always follows the same one. Cubic, up to 60 times
    # slower under loss, takes part in 4 rounds spread over them all.
    local cubic_now=$(( round % cubic_every == 0 )) order=()
    case $((round % 3)) in
      0) order=(cubic bbr tcp_cong) ;;
      1) order=(bbr tcp_cong cubic) ;;
      2) order=(tcp_cong cubic bbr) ;;
    esac
    for mode in "${order[@]}"; do
      case $mode in
        cubic) [ "$cubic_now" = 0 ] || measured_transfer cubic --congestion cubic ;;
        bbr) measured_transfer bbr --congestion bbr ;;
        tcp_cong) measured_transfer tcp_cong ;;
      esac
    done
  done
  cubic=$(mode_goodput cubic) bbr=$(mode_goodput bbr) tuned=$(mode_goodput tcp_cong)
  bbr_share=$(awk '$1 == "tcp_cong" { n++; b += $3 == "bbr" } END { printf "%.2f\n", b / n }' "$TOPO_DIR/measured")
  settled=$(connections_to_settle)
  bench_daemon_stop
  cp "$BENCH_DAEMON_LOG" "$BENCH_OUT/detail/$label-$rep.bpftune.log"
  cp "$TOPO_DIR/measured" "$BENCH_OUT/detail/$label-$rep.measured"
  best=$(( cubic > bbr ? cubic : bbr ))
  bench_emit "Congestion control: goodput of measured transfers (Mbit/s; cubic: ${cubic_rounds}, bbr and tcp_cong: ${measured_rounds} each), 100 Mbit/s link" \
    "RTT $rtt_ms ms, loss $loss%" "$rep" \
    "cubic=$(mbit "$cubic")" "bbr=$(mbit "$bbr")" "tcp_cong=$(mbit "$tuned")" \
    "tcp_cong / better static=$(bench_calc 't / b' t="$tuned" b="$best")" \
    "tcp_cong measured on bbr=$bbr_share" \
    "connections to settle=$settled"
  topo_down 2>/dev/null
}

mkdir -p "$BENCH_OUT/detail"
for case in $cases; do
  rtt_ms=${case%%:*} loss=${case#*:}
  for ((rep = 1; rep <= BENCH_REPS; rep++)); do
    bench_log "RTT $rtt_ms ms, loss $loss%, repetition $rep"
    bench_lock_acquire
    run_once "$rtt_ms" "$loss" "$rep"
    bench_lock_release
  done
done
bench_note "Each repetition: a new emulated link (loss seeded by the repetition number) and a fresh bpftune (it learns from nothing); ${warmup_transfers} warm-up transfers of 256 KiB chosen by tcp_cong, then ${measured_rounds} rounds of one transfer each with bbr set on the socket and chosen by tcp_cong, and in ${cubic_rounds} of them with cubic set on the socket, in rotating order. Transfers: 4 MiB at RTT 10 ms, 1 MiB at 100 ms, one connection each; a mode's goodput = its bytes / the seconds until the receiver had read them, over all its transfers. \"connections to settle\": connections tcp_cong had made towards the destination when it last changed its preferred algorithm."
