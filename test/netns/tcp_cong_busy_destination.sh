#!/usr/bin/env bash
# A burst of connections to one destination: tcp_cong learns from one per 10 ms and leaves the
# others on the namespace's default, cubic (no preference yet), without state of their own, yet
# the loss rule still moves every one of them to bbr on a 5% loss path. 8 transfers at once,
# 50 ms RTT.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 50ms --rate 100mbit --loss 5 --seed 11
source "$BT_LIB/transfers.sh"
tr_serve_roomy

bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
tr_send 8 1048576 --parallel >/dev/null || fail "the parallel transfers failed"
algorithms=$(tr_algorithm_counts)
echo "algorithms at the end of the 8 transfers:$algorithms"
[ "$(tr_algorithms | grep -cx bbr)" -eq 8 ] ||
  fail "not every transfer ended with bbr:$algorithms"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
# Both ends' sockets count: 8 connections from A to B and their 8 accepted ones in B. A SYN
# or SYN-ACK lost (5% each way) delays a connection by a second, and it is learned from then.
line=$(grep -Eo "tcp_cong: [0-9]+ connections given an algorithm \([0-9]+ learned from\), [0-9]+ moved to bbr after loss" "$BT_LOG") ||
  fail "no tcp_cong statistics at exit: $(grep tcp_cong: "$BT_LOG")"
kept=$(grep -Eo "[0-9]+ kept the namespace's default" "$BT_LOG" | grep -Eo "^[0-9]+") ||
  fail "the exit statistics do not count the connections that kept the default: $(grep tcp_cong: "$BT_LOG")"
echo "$line; $kept kept the default"
read -r given learned switched < <(grep -Eo "[0-9]+" <<<"$line" | tr '\n' ' ')
[ $((given + kept)) -eq 16 ] || fail "$given connections were given an algorithm and $kept kept the default: not 16"
[ "$learned" -ge 2 ] && [ "$learned" -le 6 ] ||
  fail "$learned of 16 connections were learned from: one per destination per 10 ms expected (2, or a few more after lost handshakes)"
[ "$switched" -ge 7 ] || fail "only $switched connections were moved to bbr by the loss rule"
echo PASS
