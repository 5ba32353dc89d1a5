#!/usr/bin/env bash
# Near TCP memory pressure (tcp_mem[1]) bpftune does not raise buffers, and says so once.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit

tcp_mem_before=$(sysctl -n net.ipv4.tcp_mem)
read -r _ _ tcp_mem_max <<<"$tcp_mem_before"
# tcp_mem is one value for the whole host: put it back whatever happens.
topo_on_down "sysctl -qw net.ipv4.tcp_mem='$tcp_mem_before'"
# Past tcp_mem[1] the kernel is under pressure until usage falls below tcp_mem[0].
sysctl -qw net.ipv4.tcp_mem="1 1 $tcp_mem_max"
# A ceiling this small is one every connection wants to pass, however hard the pressure holds
# its window down: at 128 KiB a connection held to 1.3 Mbit/s never asked, and no notice came
# (about one run in twelve).
topo_sysctl b net.ipv4.tcp_rmem="4096 16384 16384"
# The pressure must be there, and visible, before any connection hits that ceiling: each CPU
# keeps up to 1 MB of TCP's memory count to itself, so one small connection alone may never
# raise the host's count past a page (one run in CI: the kernel never entered pressure, and
# tcp_rmem was raised). Queued data nobody reads holds several MB until the end.
tool=$BT_LIB/../tools/tcp_transfers/tcp_transfers.py
topo_exec b python3 "$tool" hold-serve 5302 >/dev/null 2>&1 &
topo_wait_listening b 5302
topo_exec a python3 "$tool" hold "$TOPO_B4" 5302 --connections 8 >"$TOPO_DIR/hold.json" 2>&1 &
tcp_pages() { awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat; }
bt_wait_for 10 eval '[ "$(tcp_pages)" -ge 2 ] && grep -q . "$TOPO_DIR/hold.json"' ||
  fail "queued data did not take TCP memory past tcp_mem[1]: $(grep TCP: /proc/net/sockstat); $(cat "$TOPO_DIR/hold.json")"
echo "held: $(cat "$TOPO_DIR/hold.json"), $(tcp_pages) pages of TCP memory"

bt_start --netns "$TOPO_NS_B"
topo_iperf3 -t 4 >/dev/null || fail "iperf3 failed"
[ "$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)" -eq 16384 ] ||
  fail "tcp_rmem was raised although TCP memory is past tcp_mem[1]"
notes=$(grep -c "TCP memory is near net.ipv4.tcp_mem pressure\|TCP memory reached its limit" "$BT_LOG")
[ "$notes" -eq 1 ] || fail "expected one memory-pressure notice, saw $notes"
entry=$(bt_journal MESSAGE_ID=a08af788df7b4964b95967488f77f086 | head -n 1)
[ "$(jq -r .BPFTUNE_SCENARIO <<<"$entry")" = memory_pressure ] || fail "no memory_pressure entry in the journal"
bt_stop
sysctl -qw net.ipv4.tcp_mem="$tcp_mem_before"
echo PASS
