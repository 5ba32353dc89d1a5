#!/usr/bin/env bash
# A sender whose tcp_wmem[2] is too small for a 40 ms path gets it raised in its namespace.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit

host_before=$(sysctl -n net.ipv4.tcp_wmem)
topo_sysctl a net.ipv4.tcp_wmem="4096 16384 131072"

bt_start --netns "$TOPO_NS_A"
bt_check_read_method
topo_iperf3 -t 6 >/dev/null || fail "iperf3 failed"

raised=$(bt_sysctl_max "$TOPO_NS_A" net.ipv4.tcp_wmem)
[ "$raised" -gt 131072 ] || fail "tcp_wmem[2] in the sender's namespace stayed at $raised"
[ "$(sysctl -n net.ipv4.tcp_wmem)" = "$host_before" ] || fail "the host's tcp_wmem changed"
change=$(bt_journal MESSAGE_ID=0d9a7bdab1c045a68aab12c191e9a861 | head -n 1)
[ -n "$change" ] || fail "no wmem_limited change in the journal"
[ "$(jq -r .BPFTUNE_TUNABLE <<<"$change")" = net.ipv4.tcp_wmem ] || fail "BPFTUNE_TUNABLE: $change"
[ "$(jq -r .BPFTUNE_OLD <<<"$change")" = "4096 16384 131072" ] || fail "BPFTUNE_OLD: $change"
[ "$(jq -r .BPFTUNE_NETNS <<<"$change")" = "$TOPO_NS_A" ] || fail "BPFTUNE_NETNS: $change"
echo "tcp_wmem[2] in $TOPO_NS_A: 131072 -> $raised"
bt_stop
echo PASS
