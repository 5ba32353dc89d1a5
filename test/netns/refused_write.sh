#!/usr/bin/env bash
# When the kernel refuses a write (here /proc/sys is read-only, as under
# ProtectKernelTunables=), bpftune says so once, holds the value, and does not retry.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 20ms

topo_sysctl b net.ipv4.tcp_rmem="4096 65536 65536"
# This test runs in its own mount namespace: the read-only bind hides only here.
mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys ||
  skip "cannot make /proc/sys read-only here"
topo_on_down "umount /proc/sys"

bt_start --netns "$TOPO_NS_B"
topo_iperf3 -t 4 >/dev/null || fail "iperf3 failed"
topo_iperf3 -t 2 >/dev/null || fail "iperf3 failed"

refusals=$(grep -c "could not set net.ipv4.tcp_rmem" "$BT_LOG")
[ "$refusals" -eq 1 ] || fail "expected one refusal message, saw $refusals"
grep -q "holds it at 4096 65536 65536 there and will not retry" "$BT_LOG" ||
  fail "the refusal does not say what is held"
[ "$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)" -eq 65536 ] || fail "the value changed"
kill -0 "$BT_PID" || fail "bpftune died after the refusal"
entry=$(bt_journal BPFTUNE_TUNABLE=net.ipv4.tcp_rmem PRIORITY=4 | head -n 1)
[ -n "$entry" ] || fail "the refusal is not in the journal"
jq -e '.BPFTUNE_TRIED | test("^4096 65536 [0-9]+$")' <<<"$entry" >/dev/null ||
  fail "the journal entry lacks the value tried: $entry"
bt_stop
grep -q "Summary: no changes were made." "$BT_LOG" || fail "the summary claims changes"
echo PASS
