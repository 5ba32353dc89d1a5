#!/usr/bin/env bash
# With --netns, tcp_cong acts only in the namespaces named: here the receiver's. Twelve
# transfers one after another, each learnable from: in B (in scope) tcp_cong tries its
# algorithms on the accepted connections and the view has B's row for A; in A (out of scope)
# every sending connection keeps the namespace's cubic and the view has no row. (Fails if the
# scope is not kept at all; that a known destination skips the scope lookup is not seen here.)
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 20ms --rate 100mbit
source "$BT_LIB/transfers.sh"
tr_serve

bt_start --netns "$TOPO_NS_B"
tr_send 12 262144 >/dev/null || fail "the transfers failed"
algorithms=$(tr_algorithm_counts)
echo "algorithms of the 12 sending connections in A:$algorithms"
[ "$(tr_algorithms | grep -cx cubic)" -eq 12 ] ||
  fail "tcp_cong changed connections in $TOPO_NS_A, which is out of scope:$algorithms"

view=$("$BPFTUNE" -q tcp_cong --json) || fail "bpftune -q tcp_cong --json failed"
[ -z "$(jq -c --arg ns "$TOPO_NS_A" '.details[] | select(.netns == $ns)' <<<"$view")" ] ||
  fail "the tcp_cong view has rows for $TOPO_NS_A, which is out of scope: $view"
row=$(jq -c --arg ns "$TOPO_NS_B" --arg d "$TOPO_A4" \
  '.details[] | select(.netns == $ns and .destination == $d)' <<<"$view")
[ -n "$row" ] || fail "the tcp_cong view has no row for $TOPO_A4 in $TOPO_NS_B: $view"
[ "$(jq -r .connections <<<"$row")" -eq 12 ] || fail "the view does not count the 12 accepted connections: $row"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
