#include "tcp_buffer_policy.hpp"

extern "C" {
#include "tcp_buffer_demand.h"
}

#include <doctest/doctest.h>

using namespace bpftune::tcp_buffer;

TEST_CASE("the hard maximum never exceeds INT_MAX, whatever the RAM")
{
    CHECK(hard_max_bytes(1LL << 40) <= kernel_max_bytes);
    CHECK(hard_max_bytes(1LL << 50) <= kernel_max_bytes);
    CHECK(hard_max_bytes(512LL << 20) == 16 << 20);  // small machines: the expert 16 MiB
    CHECK(hard_max_bytes(24LL << 30) == (24LL << 30) / 64);
}

TEST_CASE("raises follow the kernel's demand with headroom, within one step's bounds")
{
    const auto growth = growth_for(4);
    // Autotuning wants 384 KiB at a 128 KiB ceiling: within one x4 step, so exactly that.
    CHECK(*next_buffer_max(131072, 384 * 1024, 16 << 20, growth) == 384 * 1024);
    // A demand far above is cut to one x4 step.
    CHECK(*next_buffer_max(131072, 100 << 20, 64 << 20, growth) == 4 * 131072);
    // A demand barely above still moves at least +25%, page aligned.
    CHECK(*next_buffer_max(131072, 140000, 16 << 20, growth) == 163840);
    // Unknown demand (send side) doubles.
    CHECK(*next_buffer_max(131072, 0, 16 << 20, growth) == 262144);
}

TEST_CASE("raises stop at the hard maximum and never pass it")
{
    const auto growth = growth_for(4);
    CHECK(*next_buffer_max(2000000000, 1ULL << 40, kernel_max_bytes, growth) <= kernel_max_bytes);
    CHECK_FALSE(next_buffer_max(kernel_max_bytes, 1ULL << 40, kernel_max_bytes, growth));
    CHECK(*next_buffer_max(15 << 20, 64 << 20, 16 << 20, growth) == 16 << 20);
}

TEST_CASE("a lower learning rate takes smaller steps")
{
    CHECK(*next_buffer_max(131072, 100 << 20, 64 << 20, growth_for(0)) == 163840);
    CHECK(*next_buffer_max(131072, 100 << 20, 64 << 20, growth_for(2)) == 262144);
    CHECK(growth_for(-3).max_factor == growth_for(0).max_factor);
    CHECK(growth_for(9).max_factor == growth_for(4).max_factor);
}

TEST_CASE("the decision: stale events, memory pressure and latency correlation stop a raise")
{
    bpftune::Correlation rising;
    for (int i = 0; i < 12; ++i)
        rising.add(131072.0 * (i + 1), 20000.0 + i * 4000);
    RaiseInputs in{.live_max = 131072, .observed_max = 131072, .wanted_bytes = 384 * 1024,
                   .hard_max = 16 << 20, .growth = growth_for(4)};
    // The ask is page aligned upwards: 300000 bytes -> 303104.
    CHECK(*next_buffer_max(131072, 300000, 16 << 20, growth_for(4)) == 303104);
    CHECK(decide_raise(in).verdict == Verdict::raise);
    CHECK(decide_raise(in).new_max == 384 * 1024);

    auto stale = in;
    stale.observed_max = 65536;
    CHECK(decide_raise(stale).verdict == Verdict::stale);

    auto pressure = in;
    pressure.memory_pressure = true;
    CHECK(decide_raise(pressure).verdict == Verdict::memory_pressure);

    auto correlated = in;
    correlated.buffer_vs_rtt = &rising;
    CHECK(decide_raise(correlated).verdict == Verdict::latency_correlated);

    auto enough = in;
    enough.wanted_bytes = 150000;  // under 131072 x 1.25: the ceiling covers the path
    CHECK(decide_raise(enough).verdict == Verdict::nearly_enough);

    auto queueing = in;
    queueing.rtt_us = 52000;
    queueing.min_rtt_us = 40000;
    CHECK(decide_raise(queueing).verdict == Verdict::path_queueing);
    queueing.rtt_us = 48000;  // within 25% of the path's lowest: the window is the limit
    CHECK(decide_raise(queueing).verdict == Verdict::raise);

    auto full = in;
    full.live_max = full.observed_max = 16 << 20;
    full.wanted_bytes = 64 << 20;
    CHECK(decide_raise(full).verdict == Verdict::at_hard_limit);
}

TEST_CASE("memory pressure starts at three quarters of tcp_mem[1]")
{
    CHECK_FALSE(near_memory_pressure({.allocated_pages = 100, .pressure_pages = 1000}));
    CHECK(near_memory_pressure({.allocated_pages = 750, .pressure_pages = 1000}));
    CHECK_FALSE(near_memory_pressure({.allocated_pages = 750, .pressure_pages = 0}));
    // The kernel's own state holds until usage falls under tcp_mem[0].
    CHECK(near_memory_pressure({.allocated_pages = 1, .pressure_pages = 1000, .kernel_in_pressure = true}));
}

TEST_CASE("the kernel's TCP memory pressure flag is read from /proc/net/protocols")
{
    const char* header = "protocol  size sockets  memory press maxhdr  slab module     cl co\n";
    CHECK(parse_protocols_tcp_pressure(std::string(header) +
                                       "TCPv6     2432      2       3   no     320   yes  kernel      y  y\n"
                                       "TCP       2272      3       9   yes    320   yes  kernel      y  y\n"));
    CHECK_FALSE(parse_protocols_tcp_pressure(std::string(header) +
                                             "TCPv6     2432      2       3   yes    320   yes  kernel\n"
                                             "TCP       2272      3       9   no     320   yes  kernel\n"));
    CHECK_FALSE(parse_protocols_tcp_pressure("garbage"));
}

TEST_CASE("sockstat's TCP memory is parsed in pages")
{
    const char* text = "sockets: used 183\nTCP: inuse 5 orphan 0 tw 2 alloc 9 mem 42\nUDP: inuse 1 mem 3\n";
    CHECK(*parse_sockstat_tcp_pages(text) == 42);
    CHECK_FALSE(parse_sockstat_tcp_pages("UDP: inuse 1 mem 3\n"));
}

TEST_CASE("receive demand mirrors tcp_rcvbuf_grow: 2x what was read, plus slow-start growth")
{
    // Steady: read 100 KB in an RTT, same as before, half of memory is payload -> 400 KB.
    CHECK(tcp_rcvbuf_wanted_bytes(100000, 100000, 128) == 400000);
    // Doubling: the window is doubled again for the sender's next doubling.
    CHECK(tcp_rcvbuf_wanted_bytes(200000, 100000, 128) == 2 * (400000 + 800000));
    // No scaling ratio: the kernel's old assumption of 50%.
    CHECK(tcp_rcvbuf_wanted_bytes(100000, 100000, 0) == 400000);
}

TEST_CASE("a send buffer limits only when at the ceiling and full")
{
    CHECK(tcp_sndbuf_is_limited(4194304, 4194304, 4000000));
    CHECK_FALSE(tcp_sndbuf_is_limited(1048576, 4194304, 1048576));
    CHECK_FALSE(tcp_sndbuf_is_limited(4194304, 4194304, 100000));
}

TEST_CASE("the path's lowest RTT is kept per peer, bounded")
{
    PathRtt paths;
    CHECK(paths.observe("10.0.0.2", 50000) == 50000);
    CHECK(paths.observe("10.0.0.2", 40000) == 40000);
    CHECK(paths.observe("10.0.0.2", 60000) == 40000);
    CHECK(paths.observe("10.0.0.3", 9000) == 9000);
    CHECK(paths.observe("10.0.0.3", 0) == 0);
    for (int i = 0; i < 2000; ++i)
        paths.observe("peer" + std::to_string(i), 1000 + i);
    CHECK(paths.observe("10.0.0.2", 70000) == 70000);  // forgotten when the table filled
}
