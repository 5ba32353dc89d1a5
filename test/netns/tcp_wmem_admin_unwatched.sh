#!/usr/bin/env bash
# A send buffer held back by a tcp_wmem[2] that its administrator set is not tcp_buffer's to
# raise, so it does not keep the program on every send attached: through a long transfer
# held back by it, the program keeps to its windows (1 s in every 4) instead of staying
# attached, as it does for a ceiling bpftune may raise (tcp_wmem_windows).
source "$BT_LIB/daemon.sh"
bt_kernel_has_tracepoint tcp_sendmsg_locked ||
  skip "this kernel has no tcp_sendmsg_locked tracepoint: send buffers are not tuned"
bt_topology_test --rtt 40ms --rate 200mbit

topo_sysctl a net.ipv4.tcp_wmem="4096 16384 131072"


bt_start -d --netns "$TOPO_NS_A"
ip netns exec "$TOPO_NS_A" sysctl -qw net.ipv4.tcp_wmem="4096 16384 131072"
handed() { grep -q "set net.ipv4.tcp_wmem = 4096 16384 131072 in netns $TOPO_NS_A; tcp_buffer no longer tunes it there" "$BT_LOG"; }
bt_wait_for 5 handed || fail "the admin's write in $TOPO_NS_A was not noticed"

topo_iperf3 -t 14 >/dev/null &
transfer=$!
# From 4 s in, when any window has seen the held-back sender, every half second.
sleep 4
attached_during=0 samples=0
# The kernel's own count of time the connection waited for send buffer space.
sndbuf_limited=$(ip netns exec "$TOPO_NS_A" ss -tinH dst "$TOPO_B4" | grep -o 'sndbuf_limited:[0-9]*' | head -n 1)
while kill -0 "$transfer" 2>/dev/null; do
  bt_per_send_attached && attached_during=$((attached_during + 1))
  samples=$((samples + 1))
  sleep 0.5
done
wait "$transfer" || fail "iperf3 failed"
[ "$samples" -ge 12 ] || fail "only $samples checks during the transfer"
[ "${sndbuf_limited#sndbuf_limited:}" -gt 0 ] 2>/dev/null ||
  fail "the transfer was not held back by its send buffer (ss: '${sndbuf_limited}'): nothing to watch"
[ "$attached_during" -gt 0 ] || fail "the program on every send was never attached: no windows"
# Windows alone keep it attached about a quarter of the time; held back by a ceiling bpftune
# may raise, it would be attached in every check.
[ "$attached_during" -le $((samples * 2 / 3)) ] ||
  fail "the program on every send was attached in $attached_during of $samples checks during a transfer held back by an admin's tcp_wmem: $(bt_per_send_line)"
[ "$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_wmem)" -eq 131072 ] ||
  fail "tcp_wmem[2] changed after the admin set it"
echo "attached in $attached_during of $samples checks; $(bt_per_send_line)"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
