#include "tcp_buffer_messages.hpp"

#include <doctest/doctest.h>

extern "C" {
#include "tcp_buffer_event.h"
}

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
            .previous_bytes = 600 * 1024,
            .interval_us = 100000,
            .arrived_bytes = 0,
            .arrival_interval_us = 0,
            .scaling_ratio = 128,
            .out_of_order = 0,
            .rtt_us = 100000,
            .peer = "10.0.0.2"};
}
}  // namespace

TEST_CASE("a raise says what was limited, towards whom, why this value, and the numbers")
{
    auto limited = receive_limited();
    Decision full{.verdict = Verdict::raise,
                  .step = {.new_max = 524288, .basis = Basis::headroom, .capped = true},
                  .need = Need{.bytes = 2 << 20, .window_bytes = 600 * 1024,
                               .measured_window_bytes = 900 * 1024, .measured_bytes = 3 << 20,
                               .window_full = true}};
    CHECK(raise_reason(limited, full, 100000) ==
          "receive buffers of connections to 10.0.0.2 hit the maximum; they filled the window it "
          "allows, so the path may carry more: twice their need of 3.0 MiB, twice the 900 KiB "
          "they delivered per 100 ms (the path's lowest RTT); held to one step (-r) or the hard "
          "maximum");
    Decision need{.verdict = Verdict::raise,
                  .step = {.new_max = 3 << 20, .basis = Basis::need},
                  .need = Need{.bytes = 3 << 20, .window_bytes = 900 * 1024}};
    CHECK(raise_reason(limited, need, 100000).ends_with(
        "hit the maximum; raised to what the path needs, and one smallest step more: 3.0 MiB, twice the 900 KiB they "
        "delivered per 100 ms (the path's lowest RTT)"));
    Decision short_queue{.verdict = Verdict::raise,
                         .step = {.new_max = 57344, .basis = Basis::headroom},
                         .need = Need{.bytes = 6 * 1024, .window_bytes = 3 * 1024},
                         .short_queue_need = Need{.measured_window_bytes = 12 * 1024,
                                                  .measured_bytes = 27 * 1024,
                                                  .window_full = true},
                         .ceiling_fill_us = 26};
    auto loopback = limited;
    loopback.peer = "127.0.0.1";
    loopback.rtt_us = 7;
    loopback.arrived_bytes = 12 * 1024;
    loopback.arrival_interval_us = 20;
    CHECK(raise_reason(loopback, short_queue, 6) ==
          "receive buffers of connections to 127.0.0.1 hit the maximum; what arrived in an "
          "interval filled the window it allows, and a full ceiling holds only 26 us of what "
          "arrives, too short a queue to matter: twice their need of 27 KiB, twice the 12 KiB that arrived in 20 us "
          "(RTT 7 us)");
    CHECK(raise_evidence(limited) ==
          "autotuning wanted 2.0 MiB; read 900 KiB in 100 ms (before: 600 KiB), RTT 100 ms, "
          "scaling ratio 128/256");
    limited.arrived_bytes = 800 * 1024;
    limited.arrival_interval_us = 100000;
    CHECK(raise_evidence(limited) ==
          "autotuning wanted 2.0 MiB; read 900 KiB in 100 ms (before: 600 KiB), arrived 800 KiB "
          "in 100 ms, RTT 100 ms, scaling ratio 128/256");
    limited.side = Side::send;
    Decision send{.verdict = Verdict::raise, .step = {.new_max = 524288, .basis = Basis::unknown}};
    CHECK(raise_reason(limited, send, 100000) ==
          "send buffers of connections to 10.0.0.2 hit the maximum; full at the ceiling: it grows "
          "x4 while under 4.0 MiB, x2 above");
    CHECK(raise_evidence(limited) == "send buffer 128 KiB full at the ceiling; smoothed RTT 100 ms");
}

TEST_CASE("holds explain why nothing was raised")
{
    CHECK(latency_hold("net.ipv4.tcp_rmem", "web", 0.8123, 12) ==
          "tcp_buffer stops raising net.ipv4.tcp_rmem in netns web: round-trip time grew with the "
          "buffer (correlation 0.81 over 12 samples), so a larger buffer would only queue more");
    CHECK(queueing_hold("net.ipv4.tcp_rmem", "web", receive_limited(), 40000)
              .find("RTT to 10.0.0.2 is 100 ms, above its lowest 40 ms") != std::string::npos);
    auto reordered = receive_limited();
    reordered.out_of_order = TCP_BUFFER_HOLE_AT_START | TCP_BUFFER_HOLE_AT_END;
    CHECK(out_of_order_hold("net.ipv4.tcp_rmem", "web", reordered) ==
          "tcp_buffer: not raising net.ipv4.tcp_rmem in netns web: data from 10.0.0.2 arrived "
          "out of order in the last interval (a hole was open when it began, a hole was open "
          "when it ended): its rate counts data that waited behind a lost or reordered packet, "
          "and a loss means the path, not the buffer, held the sender back (read 900 KiB in "
          "100 ms)");
    reordered.out_of_order = TCP_BUFFER_HOLE_DURING;
    CHECK(out_of_order_hold("net.ipv4.tcp_rmem", "web", reordered)
              .find("(packets arrived out of order in it)") != std::string::npos);
    CHECK(hard_limit_hold("net.ipv4.tcp_rmem", "host", 16777216, 16777216)
              .find("the most bpftune allows (16.0 MiB)") != std::string::npos);
    Decision growing{.verdict = Verdict::still_growing,
                     .need = Need{.bytes = 1 << 20, .window_bytes = 256 * 1024}};
    CHECK(need_hold("net.ipv4.tcp_rmem", "web", growing, 4 << 20) ==
          "tcp_buffer: not raising net.ipv4.tcp_rmem (4.0 MiB) in netns web: connections are "
          "still growing into it (need so far 1.0 MiB for a window of 256 KiB)");
    growing.verdict = Verdict::nearly_enough;
    CHECK(need_hold("net.ipv4.tcp_rmem", "web", growing, 4 << 20).ends_with(
        "the path needs 1.0 MiB for a window of 256 KiB, less than one step more"));
}

TEST_CASE("an unpin pass says how many connections grew, from which ceiling, and who was left")
{
    CHECK(unpin_report("ns-b", 131072, 524288,
                       UnpinPass{.grown = 1, .left_locked = 0, .largest_bytes = 262144}) ==
          "tcp_buffer: 1 connection in netns ns-b held at the old net.ipv4.tcp_rmem[2] of "
          "128 KiB got room to grow towards the new 512 KiB: receive buffer grown up to x2 (the "
          "largest now 256 KiB), autotuning goes on from there; a higher ceiling alone does not "
          "reach a connection that reads the same every round trip");
    const auto two = unpin_report("host", 4 << 20, 16 << 20,
                                  UnpinPass{.grown = 2, .left_locked = 3, .largest_bytes = 8 << 20});
    CHECK(two.starts_with("tcp_buffer: 2 connections in netns host held at the old "
                          "net.ipv4.tcp_rmem[2] of 4.0 MiB"));
    CHECK(two.ends_with("; 3 left as their applications sized them"));
    CHECK(unpin_report("ns-b", 19 << 20, 30 << 20,
                       UnpinPass{.grown = 1, .largest_bytes = 22 << 20, .scale_capped = 1,
                                 .scale_cap_bytes = 8388480})
              .ends_with("; 1 of them cannot use a window above 8.0 MiB: the window scale fixed "
                         "when they connected (from the larger of net.ipv4.tcp_rmem[2] and "
                         "net.core.rmem_max then) caps them, new connections get the new "
                         "ceiling's"));
    CHECK(unpin_report("host", 131072, 524288, UnpinPass{.grown = 0, .left_locked = 1}) ==
          "tcp_buffer: 1 connection in netns host held at the old net.ipv4.tcp_rmem[2] of "
          "128 KiB left as its application sized it");
}
