#!/usr/bin/env bash
# A connection that filled tcp_rmem[2] reads the same window every round trip, and the kernel
# grows a receive buffer only when a round trip reads more than the last: raising the sysctl
# alone leaves it where it was (here 6.7 Mbit/s on a 200 Mbit/s path). After its raise,
# tcp_buffer grows the receive buffers of such connections in that namespace, and the
# transfer speeds up.
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 100ms --rate 200mbit

topo_sysctl a net.ipv4.tcp_rmem="4096 131072 131072"
topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"
port=5211
topo_exec b iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
topo_wait_listening b "$port" || fail "iperf3 server did not listen"
topo_exec a iperf3 -c "$TOPO_B4" -p "$port" -t 20 -i 1 -J >"$TOPO_DIR/transfer.json" \
  2>"$TOPO_DIR/transfer.err" &
client=$!

# The receive buffer in B of the transfer's data connection: of the connections to $port, the
# one that received the most (the control connection's buffer is 131072 too, the default).
rcvbuf_bytes() {
  topo_exec b ss -tmiH state established "( sport = :$port )" | awk '
    /skmem:/ {
      rb = 0; got = 0
      if (match($0, /skmem:\([^)]*rb[0-9]+/)) { s = substr($0, RSTART, RLENGTH); sub(/.*rb/, "", s); rb = s }
      if (match($0, /bytes_received:[0-9]+/)) got = substr($0, RSTART + 15, RLENGTH - 15)
      print got, rb
    }' | sort -n | tail -n 1 | cut -d ' ' -f 2
}
sleep 4
pinned=$(rcvbuf_bytes)
[ "${pinned:-0}" -eq 131072 ] || fail "the transfer's receive buffer was ${pinned:-none}, not 131072, before bpftune"

bt_start --netns "$TOPO_NS_B"
grown_entry() { bt_journal BPFTUNE_TUNER=tcp_buffer | jq -c 'select(.BPFTUNE_CONNECTIONS_GROWN)' | grep .; }
bt_wait_for 10 grown_entry >/dev/null || fail "no journal entry says connections were grown: $(bt_journal BPFTUNE_TUNER=tcp_buffer | jq -r .MESSAGE)"
entry=$(grown_entry | head -n 1)
[ "$(jq -r .BPFTUNE_NETNS <<<"$entry")" = "$TOPO_NS_B" ] || fail "BPFTUNE_NETNS: $entry"
[ "$(jq -r .BPFTUNE_CONNECTIONS_GROWN <<<"$entry")" -ge 1 ] || fail "BPFTUNE_CONNECTIONS_GROWN: $entry"
[ "$(jq -r .BPFTUNE_CONNECTIONS_LEFT <<<"$entry")" -eq 0 ] || fail "BPFTUNE_CONNECTIONS_LEFT: $entry"
jq -r .MESSAGE <<<"$entry" | grep -q "held at the old net.ipv4.tcp_rmem\[2\] of 128 KiB got room to grow" ||
  fail "MESSAGE: $(jq -r .MESSAGE <<<"$entry")"
raised=$(bt_sysctl_max "$TOPO_NS_B" net.ipv4.tcp_rmem)
[ "$raised" -gt 131072 ] || fail "tcp_rmem[2] was not raised: $raised"

sleep 3
now=$(rcvbuf_bytes)
[ "${now:-0}" -gt 262144 ] || fail "the transfer's receive buffer is ${now:-none} 3 s after it was grown"
wait "$client" || fail "iperf3 failed: $(tail -n 5 "$TOPO_DIR/transfer.err")"
# Goodput per second, at the start (held at 128 KiB) and in the last 3 s.
read -r held last < <(jq -r '[.intervals[].sum.bits_per_second] |
  "\((.[1] + .[2] + .[3]) / 3 | floor) \((.[-1] + .[-2] + .[-3]) / 3 | floor)"' "$TOPO_DIR/transfer.json")
echo "rb $pinned -> $now; tcp_rmem[2] 131072 -> $raised; goodput $held -> $last bit/s"
[ "$last" -gt $((held * 5)) ] || fail "goodput did not follow: $held bit/s held, $last bit/s in the last 3 s"
[ "$(jq -r .BPFTUNE_CONNECTIONS_GROWN <<<"$entry")" -le 2 ] || fail "more connections grown than the transfer has: $entry"

bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
