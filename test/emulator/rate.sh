# TCP goodput through a rate limit is within 5% of the rate (less the TCP/IP headers of
# 1500-byte packets) and never above it.
source "$(dirname "$0")/common.sh"
topo_require_root

# Payload of a full segment with TCP timestamps, over its IP size.
payload_fraction=$(calc "1448 / 1500")

# check_rate RATE_MBIT RTT: one iperf3 run A->B, first second left out (slow start).
check_rate() {
  local rate_mbit=$1 rtt=$2 goodput_mbit expected_mbit host
  topo_up --rate "${rate_mbit}mbit" --rtt "$rtt" --seed "$test_seed"
  # The link is under test, not the hosts: buffers well above the bandwidth-delay product.
  for host in a b; do
    topo_sysctl "$host" "net.ipv4.tcp_rmem=4096 131072 33554432" "net.ipv4.tcp_wmem=4096 16384 33554432"
  done
  goodput_mbit=$(calc "$(topo_iperf3 -t 5 -O 1) / 1e6")
  expected_mbit=$(calc "$rate_mbit * $payload_fraction")
  expect_between "goodput at ${rate_mbit}mbit, ${rtt} RTT (Mbit/s)" "$goodput_mbit" \
    "$(calc "$expected_mbit * 0.95")" "$(calc "$expected_mbit * 1.05 < $rate_mbit ? $expected_mbit * 1.05 : $rate_mbit")"
  topo_down
}

check_rate 100 20ms
check_rate 500 50ms
