#!/usr/bin/env bash
# Over loopback a 16 KiB tcp_rmem[2] holds iperf3 to about a fifth of what it carries with
# more, yet the lowest RTT there (a few us, seen while the window was small) makes the path
# look like it needs less. tcp_buffer raises it anyway, because a full ceiling holds only
# microseconds of what arrives (too short a queue to matter), and never past 4 MiB that way.
source "$BT_LIB/daemon.sh"
bt_require_bpf
bt_private_journal
command -v iperf3 >/dev/null || skip "iperf3 is not installed"

ns=bpftune-loop-$$
ip netns add "$ns" || fail "cannot create network namespace $ns"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_rmem="4096 16384 16384" || fail "cannot lower tcp_rmem"

bt_start --netns "$ns"
ip netns exec "$ns" iperf3 -s -1 -D -B 127.0.0.1 -p 5231 || fail "cannot start iperf3 -s"
bt_wait_for 5 eval 'ip netns exec "$ns" ss -Hltn "sport = :5231" | grep -q .' || fail "no iperf3 server"
ip netns exec "$ns" iperf3 -c 127.0.0.1 -p 5231 -t 2 >/dev/null || fail "iperf3 failed"

raised=$(bt_sysctl_max "$ns" net.ipv4.tcp_rmem)
[ "$raised" -gt 16384 ] || fail "tcp_rmem[2] over loopback stayed at $raised"
[ "$raised" -le $((4 << 20)) ] || fail "tcp_rmem[2] went to $raised, past the 4 MiB this rule allows"
first=$(bt_journal MESSAGE_ID=8f82386388c24e9cbb22232a64b815e3 | head -n 1)
[ -n "$first" ] || fail "no rmem_limited change in the journal"
reason=$(jq -r .BPFTUNE_REASON <<<"$first")
grep -q "too short a queue to matter" <<<"$reason" || fail "the first raise says: $reason"
echo "tcp_rmem[2] over loopback: 16384 -> $raised; first reason: $reason"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
