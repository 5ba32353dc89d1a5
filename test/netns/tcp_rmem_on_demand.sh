#!/usr/bin/env bash
# Where the kernel has the tcp_rcvbuf_grow tracepoint, tcp_buffer's program on every read is
# attached only while some receive buffer nears or hits tcp_rmem[2]: at start (for
# connections already held back), then when a growing connection asks for it, and it is
# detached again when no buffer has been held back for a while. The raise still happens.
source "$BT_LIB/daemon.sh"
bt_kernel_has_tracepoint tcp_rcvbuf_grow ||
  skip "this kernel has no tcp_rcvbuf_grow tracepoint: the program on every read stays attached"
bt_topology_test --rtt 40ms --rate 200mbit

topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"

per_read_attached() { bt_daemon_tracepoints | grep -qx tcp_rcv_space_adjust; }
per_read_detached() { ! per_read_attached; }
statistics_line() {
  bt_statistics | grep -o "the program on every read is [a-z]* (on demand: [^)]*)"
}

bt_start --netns "$TOPO_NS_B"
bt_daemon_tracepoints | grep -qx tcp_rcvbuf_grow ||
  fail "the grow program is not attached: $(bt_daemon_tracepoints | tr '\n' ' ')"
per_read_attached || fail "the program on every read was not attached at start"
# Detached 3 s after the start (the tuner wakes for it), not at its next idle check.
bt_wait_for 6 per_read_detached ||
  fail "the program on every read was still attached 6 s after a start with no traffic"
[ "$(statistics_line)" = "the program on every read is detached (on demand: attached 1 time)" ] ||
  fail "bpftune -q tuners says: $(statistics_line)"

# Small exchanges never read more in one round trip than the first: nothing asks for it.
for _ in 1 2 3 4 5; do
  topo_iperf3 -n 8K >/dev/null || fail "a small iperf3 transfer failed"
done
per_read_detached || fail "small transfers attached the program on every read"

topo_iperf3 -t 6 >/dev/null || fail "iperf3 failed"
raised=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
[ "$raised" -gt 131072 ] || fail "tcp_rmem[2] in the receiver's namespace stayed at $raised"
statistics_line | grep -q "(on demand: attached 2 times)" ||
  fail "a transfer held back by tcp_rmem[2] did not attach the program again: $(statistics_line)"
bt_wait_for 15 per_read_detached ||
  fail "the program on every read was still attached 15 s after the transfer"
echo "tcp_rmem[2]: 131072 -> $raised; $(statistics_line)"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
