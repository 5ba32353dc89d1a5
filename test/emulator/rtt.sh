# Measured RTT (median of 20 pings) is within 5% of twice the configured one-way delay,
# over IPv4 and IPv6, with two hosts and with a router in the middle.
source "$(dirname "$0")/common.sh"
topo_require_root

one_way_ms=20
expected_ms=$((2 * one_way_ms))
low=$(calc "$expected_ms * 0.95")
high=$(calc "$expected_ms * 1.05")

for hosts in 2 3; do
  topo_up --hosts "$hosts" --delay "${one_way_ms}ms"
  expect_between "median RTT, $hosts hosts, IPv4 (ms)" "$(topo_ping_rtt_ms 20)" "$low" "$high"
  expect_between "median RTT, $hosts hosts, IPv6 (ms)" "$(topo_ping_rtt_ms -6 20)" "$low" "$high"
  topo_down
done

# Asymmetric delays add up; --rtt splits evenly.
topo_up -- --ab-delay 5ms --ba-delay 45ms
expect_between "median RTT, 5ms + 45ms (ms)" "$(topo_ping_rtt_ms 20)" 47.5 52.5
topo_down
topo_up --rtt 30ms
expect_between "median RTT, --rtt 30ms (ms)" "$(topo_ping_rtt_ms 20)" 28.5 31.5
