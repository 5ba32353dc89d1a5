#!/usr/bin/env bash
# 10,000 destinations: tcp_cong's map stays at its bound, keeps the most recent ones (LRU),
# and its view says how many it shows of how many.
source "$BT_LIB/daemon.sh"
bt_require_bpf
bt_private_journal
command -v python3 >/dev/null || skip "python3 is not installed"

# Two namespaces on a veth pair; Y answers on every address of 10.77.0.0/16 (a local route).
id=$$
x=bpftune-many-$id-x
y=bpftune-many-$id-y
cleanup() {
  bt_stop_quietly
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  ip netns del "$x" 2>/dev/null
  ip netns del "$y" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$x" && ip netns add "$y" || fail "cannot add namespaces"
ip -n "$x" link add veth0 type veth peer name veth0 netns "$y"
ip -n "$x" addr add 10.76.0.1/30 dev veth0
ip -n "$y" addr add 10.76.0.2/30 dev veth0
for ns in "$x" "$y"; do ip -n "$ns" link set lo up; ip -n "$ns" link set veth0 up; done
ip -n "$x" route add 10.77.0.0/16 via 10.76.0.2
ip -n "$y" route add local 10.77.0.0/16 dev lo
tool=$BT_LIB/../tools/tcp_transfers/tcp_transfers.py
ip netns exec "$y" python3 "$tool" serve 5301 &
server=$!
bt_wait_for 5 eval 'ip netns exec "$y" ss -Hltn "sport = :5301" | grep -q .' || fail "no server in $y"

bt_start --netns "$x" --netns "$y"
connected=$(ip netns exec "$x" python3 "$tool" connect-many 10.77.0.1 10000 5301 | jq .connected)
[ "$connected" -eq 10000 ] || fail "only $connected of 10000 connections were made"

map=$(bpftool -j map show name destinations | jq -s 'map(select(.type == "lru_hash")) | .[0]')
[ "$(jq -r .max_entries <<<"$map")" -le 4096 ] || fail "the destinations map is larger than 4096: $map"
dump=$(bpftool -j map dump id "$(jq -r .id <<<"$map")")
entries=$(jq length <<<"$dump")
echo "destinations map: $entries entries of $(jq -r .max_entries <<<"$map") after 10000 destinations"
[ "$entries" -le 4096 ] || fail "the map holds $entries entries"
[ "$entries" -ge 1000 ] || fail "the map holds only $entries entries: destinations were not learned"
# The last destination, 10.77.39.16, was learned last: an LRU map has it, a full map would not.
last=$(jq --argjson a "$(( (10 << 0) | (77 << 8) | (39 << 16) | (16 << 24) ))" \
  '[.[] | select(.formatted.key.address[3] == $a)] | length' <<<"$dump")
[ "$last" -ge 1 ] || fail "the most recent destination 10.77.39.16 is not in the map"

view=$("$BPFTUNE" -q tcp_cong --json) || fail "bpftune -q tcp_cong --json failed"
[ "$(jq '.details | length' <<<"$view")" -le 256 ] || fail "the view is not bounded"
jq -r .note <<<"$view" | grep -Eq "^256 of [0-9]+ destinations shown" || fail "the view's note: $(jq .note <<<"$view")"
bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
