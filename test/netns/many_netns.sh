#!/usr/bin/env bash
# 1000 namespaces created and removed while bpftune runs: its fd count returns to where it
# started, it learns each new one and notices each one's deletion. BPF links are not counted:
# tcp_buffer attaches and detaches one on demand (its program on every read).
source "$BT_LIB/daemon.sh"
bt_require_bpf
prefix=bpftune-many-$$
cleanup() { for n in $(ip netns list | awk -v p="$prefix" 'index($1, p) == 1 {print $1}'); do ip netns del "$n"; done; }
trap cleanup EXIT

bt_start -d
fds() { find "/proc/$BT_PID/fd" -mindepth 1 -printf '%l\n' | grep -vcx 'anon_inode:bpf_link'; }
before=$(fds)
for i in $(seq 1000); do
  ip netns add "$prefix-$i" || fail "ip netns add failed at $i"
  [ $((i % 100)) -eq 0 ] && for j in $(seq $((i - 99)) "$i"); do ip netns del "$prefix-$j"; done
done
sleep 1
after=$(fds)
kill -0 "$BT_PID" || fail "bpftune died"
learned=$(grep -c "network namespace $prefix-.* appeared" "$BT_LOG")
forgotten=$(grep -c "network namespace cookie .* is gone; forgot it" "$BT_LOG")
echo "fds before: $before, after 1000 namespaces: $after; learned on creation: $learned; found gone: $forgotten"
[ "$after" -eq "$before" ] || fail "fd count (BPF links aside) went from $before to $after"
[ "$learned" -ge 900 ] || fail "only $learned of 1000 new namespaces were learned"
[ "$forgotten" -ge 900 ] || fail "only $forgotten of 1000 deleted namespaces were noticed as gone"
bt_stop  # fails if SIGTERM does not end it while namespace work is pending
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS"
echo PASS
