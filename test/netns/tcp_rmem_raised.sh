#!/usr/bin/env bash
# A receiver whose tcp_rmem[2] is too small for a 40 ms path gets it raised, in its own
# namespace only; the change is in the journal with its fields; -R puts the value back.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit

host_before=$(sysctl -n net.ipv4.tcp_rmem)
topo_sysctl a net.ipv4.tcp_rmem="4096 131072 131072"
topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"

bt_start -R --netns "$TOPO_NS_B"
bt_check_read_method
bt_check_per_read_attachment
topo_iperf3 -t 6 >/dev/null || fail "iperf3 failed"

raised=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
[ "$raised" -gt 131072 ] || fail "tcp_rmem[2] in the receiver's namespace stayed at $raised"
[ "$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_rmem)" -eq 131072 ] ||
  fail "tcp_rmem in the sender's namespace changed though it was out of scope"
[ "$(sysctl -n net.ipv4.tcp_rmem)" = "$host_before" ] || fail "the host's tcp_rmem changed"

# The journal holds every change with its structured fields.
changes=$(bt_journal MESSAGE_ID=8f82386388c24e9cbb22232a64b815e3)
[ -n "$changes" ] || fail "no rmem_limited change in the journal"
first=$(head -n 1 <<<"$changes")
last=$(tail -n 1 <<<"$changes")
field() { jq -r ".$2" <<<"$1"; }
[ "$(field "$first" BPFTUNE_TUNER)" = tcp_buffer ] || fail "BPFTUNE_TUNER: $first"
[ "$(field "$first" BPFTUNE_TUNABLE)" = net.ipv4.tcp_rmem ] || fail "BPFTUNE_TUNABLE: $first"
[ "$(field "$first" BPFTUNE_NETNS)" = "$TOPO_NS_B" ] || fail "BPFTUNE_NETNS: $first"
[ "$(field "$first" BPFTUNE_SCENARIO)" = rmem_limited ] || fail "BPFTUNE_SCENARIO: $first"
[ "$(field "$first" BPFTUNE_OLD)" = "4096 131072 131072" ] || fail "BPFTUNE_OLD: $first"
[ "$(field "$first" PRIORITY)" = 5 ] || fail "PRIORITY: $first"
[ "$(field "$last" BPFTUNE_NEW)" = "4096 131072 $raised" ] || fail "BPFTUNE_NEW of the last change: $last"
field "$first" BPFTUNE_REASON | grep -q "receive buffers of connections to $TOPO_A4 hit the maximum" ||
  fail "BPFTUNE_REASON: $first"
field "$first" MESSAGE | grep -q "net.ipv4.tcp_rmem (min default max) 4096 131072 131072 -> " ||
  fail "MESSAGE: $first"
# The window is sized from what arrived (the receive program's marks), not only what was read.
with_arrival=$(jq -r .BPFTUNE_EVIDENCE <<<"$changes" |
  grep -Ec ", arrived [0-9.]+ [KMG]?i?B in [0-9.]+ m?s,") || true
[ "$with_arrival" -gt 0 ] ||
  fail "no change's evidence says what arrived: $(jq -r .BPFTUNE_EVIDENCE <<<"$changes")"
echo "tcp_rmem[2] in $TOPO_NS_B: 131072 -> $raised in $(wc -l <<<"$changes") change(s)," \
  "$with_arrival saying what arrived"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
grep -q "to replicate: ip netns exec $TOPO_NS_B sysctl -w net.ipv4.tcp_rmem=\"4096 131072 $raised\"" "$BT_LOG" ||
  fail "the exit summary lacks the sysctl -w line"
[ "$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)" -eq 131072 ] ||
  fail "-R did not restore tcp_rmem in $TOPO_NS_B"
echo PASS
