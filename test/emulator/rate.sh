# TCP goodput through a rate limit is within 5% of the rate (less the TCP/IP headers of
# 1500-byte packets) and never above it.
source "$(dirname "$0")/common.sh"
topo_require_root

# Payload of a full segment with TCP timestamps, over its IP size.
payload_fraction=$(calc "1448 / 1500")
# A busy or shared machine can only slow the emulator down, never speed it up: a run above the
# limit fails at once, one below it is repeated after a pause (CI saw 78 of 100 Mbit/s once, on a loaded VM).
attempts=3

# check_rate RATE_MBIT RTT: one iperf3 run A->B, first second left out (slow start).
check_rate() {
  local rate_mbit=$1 rtt=$2 goodput_mbit expected_mbit host low high attempt tried=""
  expected_mbit=$(calc "$rate_mbit * $payload_fraction")
  low=$(calc "$expected_mbit * 0.95")
  high=$(calc "$expected_mbit * 1.05 < $rate_mbit ? $expected_mbit * 1.05 : $rate_mbit")
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    topo_up --rate "${rate_mbit}mbit" --rtt "$rtt" --seed "$test_seed"
    # The link is under test, not the hosts: buffers well above the bandwidth-delay product.
    for host in a b; do
      topo_sysctl "$host" "net.ipv4.tcp_rmem=4096 131072 33554432" "net.ipv4.tcp_wmem=4096 16384 33554432"
    done
    goodput_mbit=$(calc "$(topo_iperf3 -t 5 -O 1) / 1e6")
    topo_down
    tried+=" $goodput_mbit"
    awk -v m="$goodput_mbit" -v hi="$high" 'BEGIN { exit !(m > hi) }' &&
      fail "goodput at ${rate_mbit}mbit, ${rtt} RTT (Mbit/s) = $goodput_mbit, above the limit $high"
    if awk -v m="$goodput_mbit" -v lo="$low" 'BEGIN { exit !(m >= lo) }'; then
      echo "ok: goodput at ${rate_mbit}mbit, ${rtt} RTT (Mbit/s) = $goodput_mbit (allowed $low .. $high; runs:$tried)"
      return
    fi
    echo "goodput at ${rate_mbit}mbit, ${rtt} RTT: $goodput_mbit Mbit/s, under $low; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    # A slow spell passes: CI saw 78-84 of 100 Mbit/s three times within 20 s of the build
    # finishing, and 96 alone right after. Waiting 5 s, then 10 s, lets it end.
    if [ "$attempt" -lt "$attempts" ]; then sleep $((attempt * 5)); fi
  done
  fail "goodput at ${rate_mbit}mbit, ${rtt} RTT (Mbit/s) stayed under $low in $attempts runs:$tried"
}

check_rate 100 20ms
check_rate 500 50ms
