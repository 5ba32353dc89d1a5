#!/usr/bin/env bash
# Under a flood of short connections that teach it nothing (one 64-byte request, one 1 KiB
# reply each), tcp_cong detaches its sockops program for a rest period, says why in the
# journal, and attaches it again when the rest is over. BPFTUNE_TCP_CONG_REST_S shortens the
# rest from 300 s to 8; the watch period stays 15 s.
source "$BT_LIB/daemon.sh"
[ -x "${BPFTUNE_CHURN:-}" ] || skip "the churn workload ($BPFTUNE_CHURN) is not built"
export BPFTUNE_TCP_CONG_REST_S=8
bt_topology_test
churn_port=5301

# Whether the daemon holds a cgroup link for a sockops program (its fdinfo, so that another
# BPF user on the host does not count): attach type 3 is BPF_CGROUP_SOCK_OPS.
sockops_attached() {
  grep -h "^attach_type:" /proc/"$BT_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | grep -qx 3
}
statistics_line() {
  bt_statistics | grep -E "^tcp_cong: (watching|resting)"
}
resting() { statistics_line | grep -q "^tcp_cong: resting" && ! sockops_attached; }
watching() { statistics_line | grep -q "^tcp_cong: watching" && sockops_attached; }

topo_exec b "$BPFTUNE_CHURN" server "$churn_port" &
topo_wait_listening b "$churn_port" || fail "the churn server does not listen"

bt_start --netns "$TOPO_NS_A" --netns "$TOPO_NS_B"
watching || fail "tcp_cong is not watching at start: $(statistics_line)"

# Two watch periods of churn: the first one starts with the daemon, before the flood.
topo_exec a "$BPFTUNE_CHURN" client "$TOPO_B4" "$churn_port" 35 >"$TOPO_DIR/churn.txt" &
churn=$!
if ! bt_wait_for 35 resting; then
  wait "$churn"
  fail "tcp_cong did not rest during the flood (connections, seconds: $(cat "$TOPO_DIR/churn.txt"); it needs 1000 connection ends a second, 500 connections): $(statistics_line)"
fi
statistics_line | grep -q "^tcp_cong: resting (rested 1 time): [0-9]* connection ends in the last 15 s, none delivered enough to learn from (64 KiB) or lost enough to move to bbr: tcp_cong rests for 8 s" ||
  fail "bpftune -q tuners says: $(statistics_line)"
reason=$(bt_journal BPFTUNE_TUNER=tcp_cong | jq -r .MESSAGE | grep "tcp_cong rests for 8 s")
[ -n "$reason" ] || fail "no journal entry says why tcp_cong rests"
echo "journal: $reason"
wait "$churn" || fail "the churn client failed"
read -r connections seconds <"$TOPO_DIR/churn.txt"
echo "churn: $connections connections in $seconds s"

# The flood is over: back within the 8 s rest (and one watch period, should the flood's tail
# have kept it resting once more).
bt_wait_for 30 watching || fail "tcp_cong did not watch again after its rest: $(statistics_line)"
echo "$(statistics_line)"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
