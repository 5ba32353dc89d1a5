#!/usr/bin/env bash
# tcp_cong leaves alone what others chose: a socket that set TCP_CONGESTION keeps it, and after
# an administrator sets net.ipv4.tcp_congestion_control in a namespace, its default stays.
# On the same lossy link, connections nobody chose for are moved to bbr, so both could fail.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 20ms --rate 100mbit --loss 5 --seed 3
source "$BT_LIB/transfers.sh"
tr_serve
bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"

tr_send 6 262144 >/dev/null || fail "transfers failed"
# Warm-up gives cubic and reno two connections each: at 5% loss the loss rule moves them.
[ "$(tr_algorithms | sort -u)" = bbr ] ||
  fail "connections tcp_cong chose for did not all end on bbr at 5% loss: $(tr_algorithms | tr '\n' ' ')"

tr_send 6 262144 --congestion reno >/dev/null || fail "transfers with the application's choice failed"
[ "$(tr_algorithms | sort -u)" = reno ] ||
  fail "sockets that set reno themselves ended on: $(tr_algorithms | tr '\n' ' ')"

# The administrator's choice for a whole namespace.
topo_exec a sysctl -q -w net.ipv4.tcp_congestion_control=reno || fail "sysctl -w failed"
bt_wait_for 5 eval '[ -n "$(bt_journal MESSAGE_ID=f4711f5c2f17482ab6e429a125bb79b5 BPFTUNE_TUNER=tcp_cong)" ]' ||
  fail "no admin_override record for tcp_cong in the journal"
record=$(bt_journal MESSAGE_ID=f4711f5c2f17482ab6e429a125bb79b5 BPFTUNE_TUNER=tcp_cong | tail -n 1)
[ "$(jq -r .BPFTUNE_TUNABLE <<<"$record")" = net.ipv4.tcp_congestion_control ] ||
  fail "admin_override names another tunable: $record"
[ "$(jq -r .BPFTUNE_NETNS <<<"$record")" = "$TOPO_NS_A" ] || fail "admin_override names another netns: $record"
tr_send 6 262144 >/dev/null || fail "transfers after the admin's choice failed"
[ "$(tr_algorithms | sort -u)" = reno ] ||
  fail "after the admin set reno in $TOPO_NS_A, connections ended on: $(tr_algorithms | tr '\n' ' ')"

owner=$("$BPFTUNE" -q status --json | jq -r --arg ns "$TOPO_NS_A" \
  '.tunables[] | select(.sysctl == "net.ipv4.tcp_congestion_control" and .netns == $ns) | .owner')
[ "$owner" = admin ] || fail "status does not show the admin owning tcp_congestion_control in $TOPO_NS_A: '$owner'"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
grep -Eq "[1-9][0-9]* left to the application's own choice" "$BT_LOG" ||
  fail "the exit statistics do not count the application's own choices"
echo PASS
