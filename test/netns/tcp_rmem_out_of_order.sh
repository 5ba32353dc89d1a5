#!/usr/bin/env bash
# tcp_buffer never sizes tcp_rmem from a receive interval touched by out-of-order arrival:
# when a hole fills, the data that waited behind it counts as if it arrived at once (bench 1
# at RTT 100 ms saw 8.0 MiB "arrive" in 100 ms on a link that carries 5.7, and raised to five
# times the BDP). On a path that reorders a fifth of its segments every interval is touched:
# the receiver's ceiling stays where it is and the debug log says why. The same path without
# reordering gets its ceiling raised (tcp_rmem_raised).
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit -- --reorder 20

topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"

bt_start -d --netns "$TOPO_NS_B"
bt_check_read_method
topo_iperf3 -t 6 >/dev/null || fail "iperf3 failed"

held="not raising net.ipv4.tcp_rmem in netns $TOPO_NS_B: data from $TOPO_A4 arrived out of order in the last interval ("
grep -qF "$held" "$BT_LOG" ||
  fail "no interval was held for out-of-order arrival; tcp_buffer said: $(grep 'tcp_buffer\|tcp_rmem' "$BT_LOG" | tail -n 5)"
max=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
[ "$max" -eq 131072 ] ||
  fail "tcp_rmem[2] was raised to $max on a reordering path: $(grep 'net.ipv4.tcp_rmem (min' "$BT_LOG")"
# The path did reorder: the receiver's kernel counted segments queued out of order.
ooo=$(ip netns exec "$TOPO_NS_B" nstat -asz TcpExtTCPOFOQueue | awk '/TcpExtTCPOFOQueue/ { print $2 }')
[ "${ooo:-0}" -gt 0 ] || fail "the receiver queued nothing out of order: the emulator did not reorder"
bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
