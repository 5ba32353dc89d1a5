#!/usr/bin/env bash
# Before tcp_cong prefers anything towards a destination, a connection it does not learn from
# keeps what the namespace's default gave it: here reno, set before bpftune started (so not
# known as an administrator's choice). 8 transfers at once on a clean link: one per 10 ms is
# learned from and may be given another algorithm in warm-up, the rest stay on reno, and the
# query view names reno as the destination's default.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 20ms --rate 100mbit
source "$BT_LIB/transfers.sh"
topo_sysctl a net.ipv4.tcp_congestion_control=reno
topo_sysctl b net.ipv4.tcp_congestion_control=reno
tr_serve

bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
tr_send 8 262144 --parallel >/dev/null || fail "the parallel transfers failed"
algorithms=$(tr_algorithm_counts)
echo "algorithms of the 8 transfers:$algorithms"
[ "$(tr_algorithms | grep -cx reno)" -ge 6 ] ||
  fail "connections tcp_cong did not learn from were moved off the namespace's default reno:$algorithms"

row=$("$BPFTUNE" -q tcp_cong --json | jq -c --arg ns "$TOPO_NS_A" --arg d "$TOPO_B4" \
  '.details[] | select(.netns == $ns and .destination == $d)')
[ -n "$row" ] || fail "the tcp_cong view has no row for $TOPO_B4 in $TOPO_NS_A"
[ "$(jq -r .default <<<"$row")" = reno ] || fail "the view does not name reno as the default: $row"
[ "$(jq -r .connections <<<"$row")" -eq 8 ] || fail "the view does not count the 8 connections: $row"
[ "$(jq -r .kept_default <<<"$row")" -ge 6 ] || fail "the view counts fewer than 6 connections on the default: $row"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
