#!/usr/bin/env bash
# tcp_buffer's program on every send is attached for its first 3 s, then for 1 s in every
# 4 s, and for as long as a send buffer is held back by tcp_wmem[2]. A transfer that starts
# while it is detached is still seen in a window and gets its raise, and the program stays
# attached through the transfer and is detached again after it.
source "$BT_LIB/daemon.sh"
bt_kernel_has_tracepoint tcp_sendmsg_locked ||
  skip "this kernel has no tcp_sendmsg_locked tracepoint: send buffers are not tuned"
bt_topology_test --rtt 40ms --rate 200mbit

topo_sysctl a net.ipv4.tcp_wmem="4096 16384 131072"

per_send_detached() { ! bt_per_send_attached; }
attach_count() { bt_per_send_line | sed -n 's/.*attached \([0-9]*\) times\{0,1\})$/\1/p'; }

bt_start --netns "$TOPO_NS_A"
bt_per_send_attached || fail "the program on every send was not attached at start"
bt_wait_for 6 per_send_detached ||
  fail "the program on every send was still attached 6 s after a start with no traffic"

# Windows: attached again within 4 s, for about a second.
before=$(attach_count)
bt_wait_for 5 bt_per_send_attached || fail "no window within 5 s: $(bt_per_send_line)"
bt_wait_for 3 per_send_detached || fail "a window lasted more than 3 s: $(bt_per_send_line)"
[ "$(attach_count)" -gt "$before" ] || fail "the window was not counted: $(bt_per_send_line)"

# A transfer held back by tcp_wmem[2] that starts between two windows.
bt_wait_for 5 per_send_detached || fail "the program did not leave its window"
topo_iperf3 -t 12 >/dev/null &
transfer=$!
# Seen in a window (the first may open before the buffer fills, then the next one, 4 s
# later): the raise says so. From then on attached for as long as the transfer runs, checked
# every half second, past the end of any window.
raised_yet() { [ "$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_wmem)" -gt 131072 ]; }
bt_wait_for 7 raised_yet || fail "no window saw the held-back transfer: $(bt_per_send_line)"
detached_during=0 samples=0
while kill -0 "$transfer" 2>/dev/null; do
  bt_per_send_attached || detached_during=$((detached_during + 1))
  samples=$((samples + 1))
  sleep 0.5
done
wait "$transfer" || fail "iperf3 failed"
[ "$samples" -ge 6 ] || fail "the transfer ended $samples half-seconds after its raise: too late to check"
[ "$detached_during" -eq 0 ] ||
  fail "the program on every send was detached in $detached_during of $samples checks during a held-back transfer: $(bt_per_send_line)"
raised=$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_wmem)
[ "$raised" -gt 131072 ] || fail "tcp_wmem[2] in the sender's namespace stayed at $raised"
bt_journal MESSAGE_ID=0d9a7bdab1c045a68aab12c191e9a861 | grep -q . ||
  fail "no wmem_limited change in the journal"
bt_wait_for 15 per_send_detached ||
  fail "the program on every send was still attached 15 s after the transfer"
echo "tcp_wmem[2]: 131072 -> $raised; $(bt_per_send_line)"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
