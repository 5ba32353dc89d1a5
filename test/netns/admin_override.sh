#!/usr/bin/env bash
# An administrator's write hands a tunable back to them in that namespace only; the host's
# namespace is handed back the same way (the value written is the one it had).
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit

topo_sysctl a net.ipv4.tcp_rmem="4096 131072 131072"
topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"
bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"

# The admin of B sets tcp_rmem (to the value it has): B is theirs now, A is still tuned.
ip netns exec "$TOPO_NS_B" sysctl -qw net.ipv4.tcp_rmem="4096 131072 131072"
handed() { grep -q "set net.ipv4.tcp_rmem = 4096 131072 131072 in netns $TOPO_NS_B; tcp_buffer no longer tunes it there" "$BT_LOG"; }
bt_wait_for 5 handed || fail "the admin's write in $TOPO_NS_B was not noticed"
topo_iperf3 -t 5 >/dev/null || fail "iperf3 A->B failed"
topo_iperf3 -R -t 5 >/dev/null || fail "iperf3 B->A failed"
b=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
a=$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_rmem)
[ "$b" -eq 131072 ] || fail "tcp_rmem in $TOPO_NS_B changed to $b after the admin set it"
[ "$a" -gt 131072 ] || fail "tcp_rmem in $TOPO_NS_A was not raised ($a): the override leaked"
entry=$(bt_journal MESSAGE_ID=f4711f5c2f17482ab6e429a125bb79b5 BPFTUNE_NETNS="$TOPO_NS_B" | head -n 1)
[ -n "$entry" ] || fail "no admin_override entry in the journal"
[ "$(jq -r .BPFTUNE_WRITER_COMM <<<"$entry")" = sysctl ] || fail "writer not named: $entry"
echo "after the admin's write: $TOPO_NS_B stays at $b, $TOPO_NS_A raised to $a"
bt_stop

# The host's namespace: an admin write there is noticed too.
bt_start
sysctl -qw net.ipv4.tcp_rmem="$(sysctl -n net.ipv4.tcp_rmem)"
host_handed() { grep -q "set net.ipv4.tcp_rmem = .* in netns host; tcp_buffer no longer tunes it there" "$BT_LOG"; }
bt_wait_for 5 host_handed || fail "the admin's write in the host namespace was not noticed"
bt_stop
echo PASS
