#include "tcp_buffer_messages.hpp"

#include <doctest/doctest.h>

using namespace bpftune::tcp_buffer;

namespace {
BufferLimited receive_limited()
{
    return {.side = Side::receive,
            .netns_cookie = 7,
            .buffer_bytes = 131072,
            .sysctl_max_bytes = 131072,
            .wanted_bytes = 2 << 20,
            .copied_bytes = 900 * 1024,
            .interval_us = 100000,
            .rtt_us = 100000,
            .peer = "10.0.0.2"};
}
}  // namespace

TEST_CASE("a raise says what was limited, towards whom, and the numbers behind it")
{
    auto limited = receive_limited();
    CHECK(raise_reason(limited) == "receive buffers of connections to 10.0.0.2 hit the maximum");
    CHECK(raise_evidence(limited) ==
          "autotuning wanted 2.0 MiB; estimated bandwidth-delay product 900 KiB (read in 100 ms, "
          "RTT 100 ms)");
    limited.side = Side::send;
    CHECK(raise_reason(limited) == "send buffers of connections to 10.0.0.2 hit the maximum");
    CHECK(raise_evidence(limited) == "send buffer 128 KiB full at the ceiling; smoothed RTT 100 ms");
}

TEST_CASE("holds explain why nothing was raised")
{
    CHECK(latency_hold("net.ipv4.tcp_rmem", "web", 0.8123, 12) ==
          "tcp_buffer stops raising net.ipv4.tcp_rmem in netns web: round-trip time grew with the "
          "buffer (correlation 0.81 over 12 samples), so a larger buffer would only queue more");
    CHECK(queueing_hold("net.ipv4.tcp_rmem", "web", receive_limited(), 40000)
              .find("RTT to 10.0.0.2 is 100 ms, above its lowest 40 ms") != std::string::npos);
    CHECK(hard_limit_hold("net.ipv4.tcp_rmem", "host", 16777216, 16777216)
              .find("the most bpftune allows (16.0 MiB)") != std::string::npos);
}
