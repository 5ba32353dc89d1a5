#!/usr/bin/env bash
# After kill -9 the persisted originals let `bpftune --restore` put values back; a namespace
# that no longer exists is skipped with a note; state from an earlier boot is discarded.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 40ms --rate 200mbit

export BPFTUNE_STATE_DIR=$TOPO_DIR/state
state=$BPFTUNE_STATE_DIR/rollback.json
topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"
bt_start --netns "$TOPO_NS_B"
topo_iperf3 -t 5 >/dev/null || fail "iperf3 failed"
raised=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
[ "$raised" -gt 131072 ] || fail "nothing was raised, so nothing to roll back"
# The rollback query prints the line that restores the original, ready for a shell.
"$BPFTUNE" -q rollback | grep -qxF "ip netns exec $TOPO_NS_B sysctl -w net.ipv4.tcp_rmem=\"4096 131072 131072\"" ||
  fail "the rollback query lacks the restoring line: $("$BPFTUNE" -q rollback)"
kill -9 "$BT_PID"; wait "$BT_PID" 2>/dev/null; BT_PID=""
[ -f "$state" ] || fail "no rollback state at $state after kill -9"
jq -e --arg ns "$TOPO_NS_B" '.originals[] | select(.netns_name == $ns and .value == "4096 131072 131072")' \
  "$state" >/dev/null || fail "the state lacks the original: $(cat "$state")"

# Namespaces that vanished since: one with a path that is gone, one whose path was never
# known. Neither may be restored anywhere else, least of all in the host (its value is the
# host's own here, so even a wrong write changes nothing).
host_rmem=$(sysctl -n net.ipv4.tcp_rmem | tr -s '\t' ' ')
jq --arg host "$host_rmem" '.originals += [
    {"tunable":"net.ipv4.tcp_rmem","netns_cookie":1,"netns_path":"/run/netns/gone-'$$'","netns_name":"gone","value":"4096 131072 131072"},
    {"tunable":"net.ipv4.tcp_rmem","netns_cookie":2,"netns_path":"","netns_name":"pathless","value":$host}]' \
  "$state" >"$state.tmp" && mv "$state.tmp" "$state"
out=$("$BPFTUNE" --restore 2>&1) || fail "--restore failed: $out"
echo "$out"
[ "$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)" -eq 131072 ] || fail "--restore did not restore $TOPO_NS_B"
grep -q "skipping net.ipv4.tcp_rmem in netns gone: the namespace no longer exists" <<<"$out" ||
  fail "the vanished namespace was not noted"
grep -q "skipping net.ipv4.tcp_rmem in netns pathless: the namespace no longer exists" <<<"$out" ||
  fail "an original without a path was not skipped: $out"
[ ! -f "$state" ] || fail "the state file remains after a full restore"

# State from another boot is not applied.
echo '{"boot_id":"00000000-0000-0000-0000-000000000000","originals":[]}' >"$state"
out=$("$BPFTUNE" --restore 2>&1) || fail "--restore failed on old state: $out"
grep -q "from an earlier boot" <<<"$out" || fail "old-boot state not recognised: $out"
echo PASS
