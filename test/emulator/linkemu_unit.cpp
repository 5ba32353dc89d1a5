// Unit tests of the emulator's pure parts: quantities, token bucket, one direction's timing
// and random decisions, and the cutting of TCP aggregates.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "direction.hpp"
#include "gso_frame.hpp"
#include "token_bucket.hpp"
#include "units.hpp"
#include "vnet_header.hpp"

using namespace linkemu;

namespace {

constexpr std::int64_t ms_ns = 1'000'000;

std::uint16_t load16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void store16(std::uint8_t* p, unsigned v) { p[0] = std::uint8_t(v >> 8); p[1] = std::uint8_t(v); }

std::uint32_t sum_words(const std::uint8_t* p, std::size_t bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < bytes; i += 2) sum += i + 1 < bytes ? load16(p + i) : p[i] << 8;
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

constexpr std::size_t vnet_bytes = sizeof(vnet_header);

// An IPv4 or IPv6 TCP aggregate as TUN hands it over: 20-byte TCP header, payload 0, 1, 2...
frame tcp_aggregate(bool ipv6, std::uint16_t mss, std::uint32_t payload_bytes, std::uint8_t tcp_flags) {
  std::size_t ip_header = ipv6 ? 40 : 20;
  frame data(vnet_bytes + ip_header + 20 + payload_bytes);
  vnet_header vnet{vnet_flag_needs_csum, std::uint8_t(ipv6 ? vnet_gso_tcpv6 : vnet_gso_tcpv4), 0, mss,
                   std::uint16_t(ip_header), 16};
  std::memcpy(data.data(), &vnet, vnet_bytes);
  std::uint8_t* ip = data.data() + vnet_bytes;
  if (ipv6) {
    ip[0] = 0x60, ip[6] = 6, ip[7] = 64;
    store16(ip + 4, 20 + payload_bytes);
    ip[8 + 15] = 1, ip[24 + 15] = 2;  // ::1 -> ::2
  } else {
    ip[0] = 0x45, ip[8] = 64, ip[9] = 6;
    store16(ip + 2, 40 + payload_bytes);
    store16(ip + 4, 100);  // IP ID
    ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
  }
  std::uint8_t* tcp = ip + ip_header;
  tcp[4] = 0, tcp[5] = 0, tcp[6] = 0x10, tcp[7] = 0;  // seq 0x1000
  tcp[12] = 5 << 4;
  tcp[13] = tcp_flags;
  for (std::uint32_t i = 0; i < payload_bytes; ++i) tcp[20 + i] = std::uint8_t(i);
  return data;
}

// Completes the checksum as a NIC would from the seed, then checks it the way a receiver does.
bool tcp_checksum_valid_after_offload(frame data, bool ipv6) {
  std::uint8_t* ip = data.data() + vnet_bytes;
  std::size_t ip_header = ipv6 ? 40 : 20;
  std::uint8_t* tcp = ip + ip_header;
  std::size_t tcp_bytes = data.size() - vnet_bytes - ip_header;
  store16(tcp + 16, static_cast<std::uint16_t>(~fold(sum_words(tcp, tcp_bytes))));
  std::uint32_t pseudo = ipv6 ? sum_words(ip + 8, 32) : sum_words(ip + 12, 8);
  pseudo += 6 + static_cast<std::uint32_t>(tcp_bytes);
  return fold(sum_words(tcp, tcp_bytes, pseudo)) == 0xffff;
}

frame small_packet() { return frame(vnet_bytes + 100, 0); }

// Runs a direction until idle; returns the times at which frames were transmitted.
std::vector<std::int64_t> transmit_times(direction& link) {
  std::vector<std::int64_t> times;
  while (auto wake = link.next_wake_ns()) {
    link.service(*wake, [&](std::span<const std::uint8_t>) {
      times.push_back(*wake);
      return true;
    });
  }
  return times;
}

}  // namespace

TEST_CASE("quantities with units") {
  CHECK(parse_duration_us("25ms") == 25000u);
  CHECK(parse_duration_us("1.5s") == 1500000u);
  CHECK(parse_duration_us("500us") == 500u);
  CHECK(parse_duration_us("0") == 0u);
  CHECK_FALSE(parse_duration_us("25"));
  CHECK_FALSE(parse_duration_us("-1ms"));
  CHECK(parse_rate_bits_per_s("500mbit") == 500'000'000u);
  CHECK(parse_rate_bits_per_s("1gbit") == 1'000'000'000u);
  CHECK_FALSE(parse_rate_bits_per_s("5mbps"));
  CHECK(parse_size_bytes("64k") == 65536u);
  CHECK(parse_percent("1%") == 1.0);
  CHECK_FALSE(parse_percent("101"));
}

TEST_CASE("token bucket keeps the rate and lets one burst through") {
  token_bucket bucket(8'000'000, 1000);  // 1 byte per microsecond, 1 ms of burst
  bucket.take(1000, 0);
  CHECK(bucket.ready_at_ns() == 0);  // the burst allowance covers the first kilobyte
  bucket.take(1000, 0);
  CHECK(bucket.ready_at_ns() == 1 * ms_ns);
  bucket.take(64000, bucket.ready_at_ns());
  CHECK(bucket.ready_at_ns() == 65 * ms_ns);  // an aggregate beyond the burst: deficit, then wait
}

TEST_CASE("one-way delay") {
  impairment config;
  config.delay_us = 10000;
  direction link(config, 1, 1, 1500);
  link.arrive(small_packet(), 0);
  CHECK(transmit_times(link) == std::vector<std::int64_t>{10 * ms_ns});
}

TEST_CASE("rate limit spaces packets by their transmission time") {
  impairment config;
  config.rate_bits_per_s = 8'000'000;
  config.burst_bytes = 100;
  direction link(config, 1, 1, 1500);
  for (int i = 0; i < 10; ++i) link.arrive(small_packet(), 0);  // 100 IP bytes: 100 us each
  auto times = transmit_times(link);
  REQUIRE(times.size() == 10);
  CHECK(times.front() == 0);
  CHECK(times.back() == 800'000);  // the first two share the burst, then one per 100 us
}

TEST_CASE("a late wake-up shifts neither departures nor arrivals") {
  impairment config;
  config.rate_bits_per_s = 8'000'000;
  config.burst_bytes = 100;
  config.delay_us = 1000;
  direction link(config, 1, 1, 1500);
  for (int i = 0; i < 10; ++i) link.arrive(small_packet(), 0);
  // Woken 450 us late: the packets due to leave at 0..400 us leave in the link's own time.
  link.service(450'000, [](std::span<const std::uint8_t>) { return true; });
  CHECK(link.next_wake_ns() == 500'000);
  auto times = transmit_times(link);
  REQUIRE(times.size() == 10);
  CHECK(times.front() == 1 * ms_ns);
  CHECK(times.back() == 1 * ms_ns + 800'000);
}

TEST_CASE("queue limit drops the tail") {
  impairment config;
  config.rate_bits_per_s = 8'000'000;
  config.burst_bytes = 100;
  config.queue_packets = 5;
  direction link(config, 1, 1, 1500);
  // Two leave at once (burst), five wait, three find the queue full.
  for (int i = 0; i < 10; ++i) link.arrive(small_packet(), 0);
  CHECK(link.stats().queue_drop_segments == 3);
  CHECK(link.stats().queue_high_segments == 5);
  CHECK(transmit_times(link).size() == 7);
}

TEST_CASE("loss rate and repeatability") {
  impairment config;
  config.loss_percent = 10;
  auto lost = [&](std::uint64_t seed) {
    direction link(config, seed, 1, 1500);
    for (int i = 0; i < 100000; ++i) link.arrive(small_packet(), 0);
    return link.stats().lost_segments;
  };
  auto first = lost(42);
  CHECK(first == lost(42));
  CHECK(std::abs(double(first) - 10000) < 4 * std::sqrt(100000 * 0.1 * 0.9));
}

TEST_CASE("jitter alone never reorders") {
  impairment config;
  config.delay_us = 10000;
  config.jitter_us = 5000;
  direction link(config, 7, 1, 1500);
  std::vector<std::uint8_t> order;
  for (std::uint8_t i = 0; i < 50; ++i) {
    frame data = small_packet();
    data.back() = i;
    link.arrive(std::move(data), i * 100'000);
  }
  while (auto wake = link.next_wake_ns())
    link.service(*wake, [&](std::span<const std::uint8_t> data) {
      order.push_back(data.back());
      return true;
    });
  REQUIRE(order.size() == 50);
  for (std::uint8_t i = 0; i < 50; ++i) CHECK(order[i] == i);
}

TEST_CASE("an aggregate counts its segments and wire bytes") {
  frame data = tcp_aggregate(false, 1000, 3500, 0x10);
  frame_layout layout = inspect_frame(data);
  CHECK(layout.splittable);
  CHECK(layout.segments == 4);
  CHECK(layout.wire_bytes == 3500 + 4 * 40);
  CHECK(layout.segment_wire_bytes(3) == 540);
}

TEST_CASE("cutting an IPv4 aggregate fixes lengths, sequence, ID, flags and checksums") {
  const std::uint8_t cwr_psh_fin_ack = 0x80 | 0x08 | 0x01 | 0x10;
  frame data = tcp_aggregate(false, 1000, 3500, cwr_psh_fin_ack);
  frame_layout layout = inspect_frame(data);

  frame middle = cut_segments(data, layout, 1, 3);
  const std::uint8_t* ip = middle.data() + vnet_bytes;
  CHECK(middle.size() == vnet_bytes + 40 + 2000);
  CHECK(load16(ip + 2) == 2040);
  CHECK(load16(ip + 4) == 101);
  CHECK(fold(sum_words(ip, 20)) == 0xffff);  // valid IP header checksum
  CHECK(load16(ip + 20 + 6) == 0x1000 + 1000);
  CHECK(ip[20 + 13] == 0x10);  // only ACK: CWR stays with the first, PSH and FIN with the last
  CHECK(ip[40] == std::uint8_t(1000));  // payload starts at byte 1000
  CHECK(tcp_checksum_valid_after_offload(middle, false));
  vnet_header vnet;
  std::memcpy(&vnet, middle.data(), vnet_bytes);
  CHECK(vnet.gso_type == vnet_gso_tcpv4);
  CHECK(vnet.gso_size == 1000);

  frame last = cut_segments(data, layout, 3, 4);
  CHECK(last.size() == vnet_bytes + 40 + 500);
  CHECK(last[vnet_bytes + 20 + 13] == (0x08 | 0x01 | 0x10));
  std::memcpy(&vnet, last.data(), vnet_bytes);
  CHECK(vnet.gso_type == vnet_gso_none);
  CHECK(tcp_checksum_valid_after_offload(last, false));
}

TEST_CASE("cutting an IPv6 aggregate") {
  frame data = tcp_aggregate(true, 1220, 5000, 0x10);
  frame_layout layout = inspect_frame(data);
  REQUIRE(layout.segments == 5);
  frame first_two = cut_segments(data, layout, 0, 2);
  CHECK(load16(first_two.data() + vnet_bytes + 4) == 20 + 2440);
  CHECK(tcp_checksum_valid_after_offload(first_two, true));
}

TEST_CASE("loss on aggregates is per segment") {
  impairment config;
  config.loss_percent = 1;
  direction link(config, 3, 1, 1500);
  for (int i = 0; i < 2000; ++i) link.arrive(tcp_aggregate(false, 1448, 1448 * 40, 0x10), 0);
  auto stats = link.stats();
  CHECK(stats.rx_segments == 80000);
  CHECK(std::abs(double(stats.lost_segments) - 800) < 4 * std::sqrt(80000 * 0.01 * 0.99));
  CHECK(stats.split_frames > 0);
  transmit_times(link);
  CHECK(link.stats().tx_segments + stats.lost_segments == 80000);
}
