#!/usr/bin/env bash
# kill -9 leaves no BPF program or link of bpftune behind: links belong to the process.
source "$BT_LIB/daemon.sh"
bt_require_bpf

our_programs() {
  bpftool prog show -j | jq '[.[] | select(.name // "" | startswith("bt_"))] | length'
}
[ "$(our_programs)" -eq 0 ] || skip "bpftune programs are already loaded (another bpftune runs?)"
bt_start
loaded=$(our_programs)
[ "$loaded" -ge 3 ] || fail "expected at least 3 bpftune programs while running, saw $loaded"
kill -9 "$BT_PID"
wait "$BT_PID" 2>/dev/null
BT_PID=""
gone() { [ "$(our_programs)" -eq 0 ]; }
bt_wait_for 5 gone || fail "$(our_programs) bpftune programs remain after kill -9"
echo "programs while running: $loaded; after kill -9: 0"
echo PASS
