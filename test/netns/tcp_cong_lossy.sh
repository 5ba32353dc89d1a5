#!/usr/bin/env bash
# 50 ms RTT and 5% loss: after warm-up connections tcp_cong prefers bbr towards B, says so in
# the journal once per change (not per connection), shows it in its query view, and the
# measured transfers get at least 3x the goodput cubic alone gets on the same link.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 50ms --rate 100mbit --loss 5 --seed 7
source "$BT_LIB/transfers.sh"
tr_serve_roomy

cubic=$(tr_send 3 1048576 --congestion cubic) || fail "the cubic-only transfers failed"
bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
tr_send 12 262144 >/dev/null || fail "the warm-up transfers failed"
tuned=$(tr_send 3 1048576) || fail "the measured transfers failed"
echo "goodput: cubic alone $cubic bit/s, with tcp_cong $tuned bit/s; algorithms: $(tr_algorithms | tr '\n' ' ')"
awk -v c="$cubic" -v t="$tuned" 'BEGIN { exit !(t >= 3 * c) }' ||
  fail "goodput with tcp_cong ($tuned bit/s) is under 3x cubic's ($cubic bit/s)"

# The journal: records per preference change of this destination, the last one for bbr.
records=$(bt_journal MESSAGE_ID=1f2b9da798134a0ebf0c1860a55698dd BPFTUNE_DESTINATION="$TOPO_B4")
[ -n "$records" ] || fail "no preference record for $TOPO_B4 in the journal"
last=$(tail -n 1 <<<"$records")
field() { jq -r ".$1" <<<"$last"; }
[ "$(field BPFTUNE_NEW)" = bbr ] || fail "the last preference for $TOPO_B4 is not bbr: $last"
[ "$(field BPFTUNE_TUNER)" = tcp_cong ] || fail "BPFTUNE_TUNER: $last"
[ "$(field BPFTUNE_NETNS)" = "$TOPO_NS_A" ] || fail "BPFTUNE_NETNS: $last"
[ "$(field BPFTUNE_SCENARIO)" = preference_changed ] || fail "BPFTUNE_SCENARIO: $last"
field BPFTUNE_REASON | grep -q "cost least over [0-9]* connections (cost: bbr " ||
  fail "BPFTUNE_REASON: $last"
field BPFTUNE_EVIDENCE | grep -q "cubic: [0-9]* chosen, [0-9]* learned" || fail "BPFTUNE_EVIDENCE: $last"
field MESSAGE | grep -q "connections to $TOPO_B4 in netns $TOPO_NS_A now get bbr" || fail "MESSAGE: $last"
[ "$(wc -l <<<"$records")" -le 3 ] || fail "more than 3 preference records for 18 connections: $records"

# The query view: per destination, choices, costs, min RTT and best delivery rate.
view=$("$BPFTUNE" -q tcp_cong --json) || fail "bpftune -q tcp_cong --json failed"
row=$(jq -c --arg ns "$TOPO_NS_A" --arg d "$TOPO_B4" \
  '.details[] | select(.netns == $ns and .destination == $d)' <<<"$view")
[ -n "$row" ] || fail "the tcp_cong view has no row for $TOPO_B4 in $TOPO_NS_A: $view"
[ "$(jq -r .preferred <<<"$row")" = bbr ] || fail "the view does not prefer bbr: $row"
[ "$(jq -r .connections <<<"$row")" -ge 15 ] || fail "the view counts too few connections: $row"
[ "$(jq -r .loss_switches <<<"$row")" -ge 1 ] || fail "no connection was moved to bbr by loss: $row"
jq -e '.best_min_rtt_us >= 45000 and .best_min_rtt_us < 60000 and .best_rate_bytes_per_s > 0' \
  <<<"$row" >/dev/null || fail "min RTT or delivery rate are off for a 50 ms path: $row"
jq -e '[.algorithms[] | select(.algorithm == "bbr")][0].cost_ppm <
       [.algorithms[] | select(.algorithm == "cubic")][0].cost_ppm' <<<"$row" >/dev/null ||
  fail "bbr does not cost less than cubic: $row"
"$BPFTUNE" -q tcp_cong | grep -Eq "^$TOPO_NS_A +$TOPO_B4 +bbr +cubic" ||
  fail "the text view lacks the row: $("$BPFTUNE" -q tcp_cong)"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
grep -Eq "tcp_cong: [0-9]+ connections given an algorithm \([0-9]+ learned from\), [1-9][0-9]* moved to bbr after loss" "$BT_LOG" ||
  fail "the exit statistics do not count the loss rule's switches"
echo PASS
