#!/usr/bin/env bash
# Without loss tcp_cong does no harm: after warm-up, the measured transfers get at least 0.95
# of the goodput cubic alone gets on the same 50 ms link in the same run.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 50ms --rate 100mbit
source "$BT_LIB/transfers.sh"
for host in a b; do
  topo_sysctl "$host" net.ipv4.tcp_rmem="4096 131072 16777216" net.ipv4.tcp_wmem="4096 16384 16777216"
done
tr_serve

cubic=$(tr_send 5 4194304 --congestion cubic) || fail "the cubic-only transfers failed"
bt_start
tr_send 12 262144 >/dev/null || fail "the warm-up transfers failed"
tuned=$(tr_send 5 4194304) || fail "the measured transfers failed"
echo "goodput: cubic alone $cubic bit/s, with tcp_cong $tuned bit/s; algorithms: $(tr_algorithms | tr '\n' ' ')"
awk -v c="$cubic" -v t="$tuned" 'BEGIN { exit !(t >= 0.95 * c) }' ||
  fail "goodput with tcp_cong ($tuned bit/s) is under 0.95 of cubic's ($cubic bit/s)"
# It did choose: the transfers were tcp_cong's to decide, not left at the namespace default.
[ "$("$BPFTUNE" -q tcp_cong --json | jq --arg d "$TOPO_B4" '[.details[] | select(.destination == $d)][0].connections')" -ge 17 ] ||
  fail "tcp_cong did not choose for the connections to $TOPO_B4"
bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
