#!/usr/bin/env bash
# A connection's window scale is fixed at its handshake, from the larger of tcp_rmem[2] and
# net.core.rmem_max then: no later raise lets it advertise more than 65535 << scale. When
# tcp_buffer raises tcp_rmem[2] past what a connection it grows can use, the journal says so
# (at RTT 200 ms a cap of 8 MiB held a 500 Mbit/s transfer to 335 Mbit/s).
source "$BT_LIB/daemon.sh"
bt_topology_test --rtt 100ms --rate 200mbit

# net.core.rmem_max is the host's (namespaces see it read-only): for this test it is Linux's
# own default, 212992, so the handshake gives a scale of 2 and a cap of 256 KiB, which the
# first raise (to about 512 KiB) passes. Put back at teardown.
rmem_max_before=$(sysctl -n net.core.rmem_max)
topo_on_down "sysctl -qw net.core.rmem_max=$rmem_max_before"
sysctl -qw net.core.rmem_max=212992
topo_sysctl a net.ipv4.tcp_rmem="4096 131072 134217728"
topo_sysctl b net.ipv4.tcp_rmem="4096 131072 131072"
# What the kernel offers in the handshake: the shift that fits the larger of the two in 16 bits.
space=212992
scale=0
while [ $((65535 << scale)) -lt "$space" ] && [ "$scale" -lt 14 ]; do scale=$((scale + 1)); done
cap_bytes=$((65535 << scale))

# The transfer starts first and is held at 128 KiB when bpftune starts: a connection still in
# slow start might be grown by the kernel's own autotuning between the raise and the pass.
port=5212
topo_exec b iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
topo_wait_listening b "$port" || fail "iperf3 server did not listen"
topo_exec a iperf3 -c "$TOPO_B4" -p "$port" -t 12 >/dev/null 2>"$TOPO_DIR/transfer.err" &
client=$!
sleep 3
bt_start --netns "$TOPO_NS_B"

capped_entry() {
  bt_journal MESSAGE_ID=2ffb5ff4f01c40e18f0711066f942e0e |
    jq -c 'select((.BPFTUNE_CONNECTIONS_SCALE_CAPPED // "0") != "0")' | grep .
}
bt_wait_for 10 capped_entry >/dev/null ||
  fail "no unpin entry says the window scale caps a connection (scale $scale, $cap_bytes bytes): $(bt_journal MESSAGE_ID=2ffb5ff4f01c40e18f0711066f942e0e | jq -r .MESSAGE)"
entry=$(capped_entry | head -n 1)
message=$(jq -r .MESSAGE <<<"$entry")
echo "$message"
# The cap named is the one the handshake gave.
expected=$(awk -v b="$cap_bytes" 'BEGIN {
  if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }')
grep -qF "cannot use a window above $expected: the window scale fixed when they connected" <<<"$message" ||
  fail "the message does not name the handshake's cap of $expected: $message"
# Grown connections that the cap holds: the raise that named it went past the cap.
new_max=$(sed -n 's/.* towards the new \([0-9.]* [KM]iB\).*/\1/p' <<<"$message")
awk -v n="${new_max:-0 B}" -v c="$cap_bytes" 'BEGIN {
  split(n, part, " "); bytes = part[1] * (part[2] == "MiB" ? 1048576 : 1024)
  exit !(bytes * 170 / 256 > c * 0.9) }' ||
  fail "a cap was named though the new ceiling ($new_max) allows no more window: $message"
wait "$client" || fail "iperf3 failed: $(tail -n 5 "$TOPO_DIR/transfer.err")"
bt_stop
[ "$BT_STATUS" -eq 0 ] || fail "bpftune exited with $BT_STATUS after SIGTERM"
echo PASS
