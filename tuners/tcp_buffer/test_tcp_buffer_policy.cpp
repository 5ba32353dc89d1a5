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

namespace {
// A receive event at RTT 100 ms with half of buffer memory as payload (scaling ratio 128).
Delivery delivered(std::uint32_t copied_bytes, std::uint32_t previous_bytes,
                   std::uint32_t interval_us = 100000)
{
    return {.copied_bytes = copied_bytes, .previous_bytes = previous_bytes,
            .interval_us = interval_us, .scaling_ratio = 128};
}
// A receive event whose bytes all arrived in the interval they were read in.
Delivery arriving(std::uint32_t bytes, std::uint32_t previous_bytes, std::uint32_t interval_us,
                  std::uint8_t scaling_ratio)
{
    return {.copied_bytes = bytes, .previous_bytes = previous_bytes, .interval_us = interval_us,
            .arrived_bytes = bytes, .arrival_interval_us = interval_us,
            .scaling_ratio = scaling_ratio};
}
constexpr std::int64_t kib = 1024;
constexpr std::int64_t mib = 1024 * 1024;
}  // namespace

TEST_CASE("the need is autotuning's steady ask for what the path delivers per lowest RTT")
{
    // 1 MiB read in 100 ms on a 100 ms path: twice that window, as memory at 50% payload.
    auto need = *path_need(delivered(1 * mib, 1 * mib), 100000, 8 * mib);
    CHECK(need.window_bytes == 1 * mib);
    CHECK(need.bytes == 4 * mib);
    CHECK_FALSE(need.window_full);  // 2 MiB of memory in use under an 8 MiB ceiling
    CHECK_FALSE(need.still_growing);
    // A queue stretches the interval; the rate times the lowest RTT stays the path's BDP.
    CHECK(path_need(delivered(3 * mib, 3 * mib, 150000), 100000, 8 * mib)->window_bytes == 2 * mib);
    // Slow start: more than half again as much as before.
    CHECK(path_need(delivered(2 * mib, 1 * mib), 100000, 16 * mib)->still_growing);
    // The window takes 3/4 or more of the ceiling: the ceiling, not the path, limits it.
    CHECK(path_need(delivered(3 * mib, 3 * mib), 100000, 8 * mib)->window_full);
    // Nothing measured, nothing known.
    CHECK_FALSE(path_need(delivered(0, 0), 100000, 8 * mib));
    CHECK_FALSE(path_need(delivered(1 * mib, 0, 0), 100000, 8 * mib));
    CHECK_FALSE(path_need(delivered(1 * mib, 0), 0, 8 * mib));
}

TEST_CASE("a full window below 4 MiB gets twice its need, within one step")
{
    const auto growth = growth_for(4);
    // 64 KiB read at a 128 KiB ceiling: the window is full; 2 x 256 KiB = one x4 step.
    auto full = path_need(delivered(64 * kib, 60 * kib), 100000, 128 * kib);
    auto step = *next_buffer_max(128 * kib, full, 16 * mib, growth);
    CHECK(step.new_max == 512 * kib);
    CHECK(step.basis == Basis::headroom);
    CHECK_FALSE(step.capped);
    // The same at 2 MiB: 8 MiB, one x4 step.
    full = path_need(delivered(1 * mib, 1 * mib), 100000, 2 * mib);
    CHECK(next_buffer_max(2 * mib, full, 64 * mib, growth)->new_max == 8 * mib);
    // At 4 MiB and above only the need and one smallest step: 8 MiB full -> 20 MiB, not 32.
    full = path_need(delivered(4 * mib, 4 * mib), 100000, 8 * mib);
    step = *next_buffer_max(8 * mib, full, 64 * mib, growth);
    CHECK(step.new_max == 20 * mib);
    CHECK(step.basis == Basis::need);
}

TEST_CASE("slow start's doubling never sets the ceiling")
{
    // The kernel asks 6x the window read while the sender doubles each RTT; the need is 2x.
    const auto in_slow_start = delivered(6 * mib, 3 * mib);
    CHECK(tcp_rcvbuf_wanted_bytes(6 * mib, 3 * mib, 128) == 72 * mib);
    auto step = *next_buffer_max(16 * mib, path_need(in_slow_start, 100000, 16 * mib), 1LL << 30,
                                 growth_for(4));
    CHECK(step.new_max == 30 * mib);  // the need, 24 MiB, and one +25% step
    CHECK(step.basis == Basis::need);
}

TEST_CASE("one interval that reads faster than the one before does not count")
{
    Step step;
    // An application catching up on its reads: 8 MiB in 100 ms after 5 MiB.
    auto burst = delivered(8 * mib, 5 * mib);
    burst.previous_window_bytes = 5 * mib;
    auto need = *path_need(burst, 100000, 14 * mib);
    CHECK(need.measured_window_bytes == 8 * mib);
    CHECK(need.window_bytes == 5 * mib);
    CHECK(need.bytes == 20 * mib);
    CHECK(need.measured_bytes == 32 * mib);
    CHECK(need.window_full);  // this interval alone: 16 MiB of memory in use under 14 MiB
    // Slow start filling the window: full on this interval, though the last was half.
    auto filling = delivered(64 * kib, 40 * kib);
    filling.previous_window_bytes = 40 * kib;
    CHECK(path_need(filling, 100000, 128 * kib)->window_full);
    CHECK(next_buffer_max(128 * kib, path_need(filling, 100000, 128 * kib), 16 * mib,
                          growth_for(4))->new_max == 512 * kib);
    // Full above 4 MiB: this interval's need and one step, though the last one read 2 MiB.
    auto full = delivered(5 * mib, 3 * mib);
    full.previous_window_bytes = 2 * mib;
    step = *next_buffer_max(8 * mib, path_need(full, 100000, 8 * mib), 64 * mib, growth_for(4));
    CHECK(step.new_max == 25 * mib);  // 20 MiB x 1.25
    CHECK(step.basis == Basis::need);
    // Lower than before counts at once.
    burst.previous_window_bytes = 9 * mib;
    CHECK(path_need(burst, 100000, 14 * mib)->window_bytes == 8 * mib);

    PeerPaths last;
    CHECK(last.last_window("1/10.0.0.2") == 0);
    last.remember_window("1/10.0.0.2", 5 * mib);
    CHECK(last.last_window("1/10.0.0.2") == 5 * mib);
    CHECK(last.last_window("2/10.0.0.2") == 0);
    last.remember_window("2/10.0.0.2", 3 * mib);
    last.forget_netns(1);  // its namespace was deleted
    CHECK(last.last_window("1/10.0.0.2") == 0);
    CHECK(last.last_window("2/10.0.0.2") == 3 * mib);
    for (int i = 0; i < 2000; ++i)
        last.remember_window("peer" + std::to_string(i), 1);
    CHECK(last.last_window("2/10.0.0.2") == 0);  // forgotten when the table filled
}

TEST_CASE("unknown demand (send side): x4 under 4 MiB, then x2")
{
    const auto growth = growth_for(4);
    CHECK(next_buffer_max(128 * kib, std::nullopt, 16 * mib, growth)->new_max == 512 * kib);
    CHECK(next_buffer_max(2 * mib, std::nullopt, 64 * mib, growth)->new_max == 8 * mib);
    CHECK(next_buffer_max(8 * mib, std::nullopt, 64 * mib, growth)->new_max == 16 * mib);
    CHECK(next_buffer_max(8 * mib, std::nullopt, 64 * mib, growth)->basis == Basis::unknown);
}

TEST_CASE("steps are at least the minimum, at most the maximum, page aligned")
{
    const auto growth = growth_for(4);
    // A need far above is cut to one x4 step.
    auto step = *next_buffer_max(128 * kib, path_need(delivered(8 * mib, 8 * mib), 100000, 128 * kib),
                                 64 * mib, growth);
    CHECK(step.new_max == 512 * kib);
    CHECK(step.capped);
    // A need barely above (it takes one +25% step in any case) still moves +25%.
    Need barely{.bytes = 120000, .window_bytes = 60000};
    CHECK(next_buffer_max(128 * kib, barely, 16 * mib, growth)->new_max == 160 * kib);
    // Page aligned upwards: 240000 x 1.25 = 300000 bytes -> 303104.
    Need odd{.bytes = 240000, .window_bytes = 120000};
    CHECK(next_buffer_max(128 * kib, odd, 16 * mib, growth)->new_max == 303104);
}

TEST_CASE("raises stop at the hard maximum and never pass it")
{
    const auto growth = growth_for(4);
    CHECK(next_buffer_max(2000000000, std::nullopt, kernel_max_bytes, growth)->new_max <=
          kernel_max_bytes);
    CHECK(next_buffer_max(2000000000, std::nullopt, kernel_max_bytes, growth)->capped);
    CHECK_FALSE(next_buffer_max(kernel_max_bytes, std::nullopt, kernel_max_bytes, growth));
    CHECK(next_buffer_max(15 * mib, std::nullopt, 16 * mib, growth)->new_max == 16 * mib);
    Need huge{.bytes = 1ULL << 40, .window_bytes = 1ULL << 39, .measured_window_bytes = 1ULL << 39,
              .measured_bytes = 1ULL << 40, .window_full = true};
    CHECK(next_buffer_max(1 * mib, huge, 2 * mib, growth)->new_max == 2 * mib);
}

TEST_CASE("a lower learning rate takes smaller steps")
{
    CHECK(next_buffer_max(128 * kib, std::nullopt, 64 * mib, growth_for(0))->new_max == 160 * kib);
    CHECK(next_buffer_max(128 * kib, std::nullopt, 64 * mib, growth_for(2))->new_max == 256 * kib);
    CHECK(growth_for(-3).max_factor == growth_for(0).max_factor);
    CHECK(growth_for(9).max_factor == growth_for(4).max_factor);
}

TEST_CASE("the decision: stale events, memory pressure and latency correlation stop a raise")
{
    bpftune::Correlation rising;
    for (int i = 0; i < 12; ++i)
        rising.add(131072.0 * (i + 1), 20000.0 + i * 4000);
    // A full window at a 128 KiB ceiling on a 100 ms path.
    RaiseInputs in{.live_max = 128 * kib, .observed_max = 128 * kib,
                   .delivery = delivered(64 * kib, 60 * kib), .hard_max = 16 * mib,
                   .growth = growth_for(4), .rtt_us = 100000, .min_rtt_us = 100000};
    CHECK(decide_raise(in).verdict == Verdict::raise);
    CHECK(decide_raise(in).step.new_max == 512 * kib);
    CHECK(decide_raise(in).need->window_bytes == 64 * kib);

    auto stale = in;
    stale.observed_max = 65536;
    CHECK(decide_raise(stale).verdict == Verdict::stale);

    auto pressure = in;
    pressure.memory_pressure = true;
    CHECK(decide_raise(pressure).verdict == Verdict::memory_pressure);

    auto correlated = in;
    correlated.buffer_vs_rtt = &rising;
    CHECK(decide_raise(correlated).verdict == Verdict::latency_correlated);

    auto queueing = in;
    queueing.rtt_us = 130000;
    CHECK(decide_raise(queueing).verdict == Verdict::path_queueing);
    queueing.rtt_us = 120000;  // within 25% of the path's lowest: the window is the limit
    CHECK(decide_raise(queueing).verdict == Verdict::raise);

    auto full = in;
    full.live_max = full.observed_max = 16 * mib;
    full.delivery = delivered(8 * mib, 8 * mib);
    CHECK(decide_raise(full).verdict == Verdict::at_hard_limit);

    auto send = in;
    send.delivery = std::nullopt;
    CHECK(decide_raise(send).verdict == Verdict::raise);
    CHECK(decide_raise(send).step.basis == Basis::unknown);
}

TEST_CASE("where a full ceiling drains in under 5 ms, an interval that fills the window is raised")
{
    // Loopback at a 16 KiB ceiling, as bpftune saw it: 12 KiB arrive in each 20 us interval
    // while the receiver's RTT is 7 us (lowest 6 us); the rest of the cycle is the sender
    // waiting for the reader to open the window. Judged by the lowest RTT the path carries
    // 3 KiB and needs nothing more, yet 64 KiB carry 4 times as much here.
    RaiseInputs in{.live_max = 16 * kib, .observed_max = 16 * kib,
                   .delivery = arriving(12 * kib, 18 * kib, 20, 225),
                   .hard_max = 64 * mib, .growth = growth_for(4), .rtt_us = 7, .min_rtt_us = 6};
    auto decision = decide_raise(in);
    REQUIRE(decision.verdict == Verdict::raise);
    REQUIRE(decision.short_queue_need);
    CHECK(decision.ceiling_fill_us == 16 * kib * 20 / (12 * kib));
    CHECK(decision.short_queue_need->measured_window_bytes == 12 * kib);
    CHECK(decision.step.basis == Basis::headroom);
    const auto twice_need = 2 * tcp_rcvbuf_wanted_bytes(12 * kib, 12 * kib, 225);
    CHECK(decision.step.new_max ==
          static_cast<std::int64_t>((twice_need + page_bytes - 1) / page_bytes * page_bytes));
    CHECK(decision.need->window_bytes < 4 * kib);  // the lowest RTT's view, which held it

    // An interval that does not fill the window: the usual holds.
    auto partial = in;
    partial.delivery->arrived_bytes = partial.delivery->copied_bytes = 4 * kib;
    CHECK(decide_raise(partial).verdict == Verdict::nearly_enough);
    CHECK_FALSE(decide_raise(partial).short_queue_need);

    // A queue far above the lowest RTT on loopback does not hold it either (RTT 40 us).
    auto queued = in;
    queued.rtt_us = 40;
    CHECK(decide_raise(queued).verdict == Verdict::raise);
    // Bytes read, arrivals unknown: they may include a backlog, so the usual holds.
    auto unknown = in;
    unknown.delivery->arrived_bytes = 0;
    CHECK_FALSE(decide_raise(unknown).short_queue_need);
    // An RTT above 5 ms never qualifies, whatever one interval caught.
    auto far = in;
    far.rtt_us = 8000;
    far.min_rtt_us = 8000;
    CHECK_FALSE(decide_raise(far).short_queue_need);
    // Never past 4 MiB: a fast stream at 4 MiB less a page goes to 4 MiB, capped.
    RaiseInputs near{.live_max = 4 * mib - page_bytes, .observed_max = 4 * mib - page_bytes,
                     .delivery = arriving(3000000, 3000000, 500, 240),
                     .hard_max = 64 * mib, .growth = growth_for(4), .rtt_us = 500,
                     .min_rtt_us = 50};
    REQUIRE(decide_raise(near).verdict == Verdict::raise);
    CHECK(decide_raise(near).short_queue_need);
    CHECK(decide_raise(near).step.new_max == 4 * mib);
    CHECK(decide_raise(near).step.capped);

    // At 4 MiB and above memory counts: a fast stream over veth at 6 MiB (5.6 GB/s, 3 MB per
    // 500 us interval) needs the path's evidence, and by the lowest RTT it has enough.
    RaiseInputs veth{.live_max = 6 * mib, .observed_max = 6 * mib,
                     .delivery = arriving(3000000, 3000000, 500, 240),
                     .hard_max = 64 * mib, .growth = growth_for(4), .rtt_us = 500,
                     .min_rtt_us = 50};
    CHECK(decide_raise(veth).verdict == Verdict::nearly_enough);
    CHECK(*fill_time_us(*veth.delivery, 6 * mib) < harmless_queue_us);

    // 100 Mbit/s through a queue (RTT 30 ms, lowest 10 ms): a full 256 KiB ceiling holds
    // 21 ms of what arrives, a queue worth avoiding, so the queue still holds the raise.
    RaiseInputs slow{.live_max = 256 * kib, .observed_max = 256 * kib,
                     .delivery = arriving(375000, 370000, 30000, 170),
                     .hard_max = 64 * mib, .growth = growth_for(4), .rtt_us = 30000,
                     .min_rtt_us = 10000};
    CHECK(decide_raise(slow).verdict == Verdict::path_queueing);
    CHECK(*fill_time_us(*slow.delivery, 256 * kib) == 256 * kib * 30000 / 375000);
    // Rising latency with the buffer still stops it.
    bpftune::Correlation rising;
    for (int i = 0; i < 12; ++i)
        rising.add(16384.0 * (i + 1), 6.0 + i * 4);
    in.buffer_vs_rtt = &rising;
    CHECK(decide_raise(in).verdict == Verdict::latency_correlated);
    // No arrivals known, no fill time: bytes read may include a backlog.
    CHECK_FALSE(fill_time_us(Delivery{}, 64 * kib));
    CHECK_FALSE(fill_time_us(delivered(64 * kib, 64 * kib, 20), 64 * kib));
}

TEST_CASE("the path's window is what arrived over an interval, not a backlog read at once")
{
    // Bench, RTT 20 ms, 500 Mbit/s (1.25 MB per RTT): the application caught up and read
    // 4.2 MiB in 20 ms; from the sum its 7 MiB ceiling looked full and went to 15.5 MiB.
    Delivery caught_up{.copied_bytes = 4400000, .previous_bytes = 1800000, .interval_us = 20000,
                       .arrived_bytes = 1260000, .arrival_interval_us = 20500,
                       .scaling_ratio = 170};
    auto need = *path_need(caught_up, 20000, 7233536);
    CHECK(need.measured_window_bytes == 1260000ULL * 20000 / 20500);
    CHECK_FALSE(need.window_full);
    // Unknown arrivals (a socket not yet marked): the bytes read, as before.
    caught_up.arrived_bytes = 0;
    CHECK(path_need(caught_up, 20000, 7233536)->measured_window_bytes == 4400000);
    CHECK(path_need(caught_up, 20000, 7233536)->window_full);
}

TEST_CASE("an interval touched by out-of-order arrival raises nothing and sizes nothing")
{
    // Bench, RTT 100 ms, 500 Mbit/s (5.7 MiB of goodput per RTT): at a 13.9 MiB ceiling a
    // hole filled and 8.0 MiB "arrived" in 100 ms; from it tcp_rmem went to 30 MiB, five
    // times the BDP.
    const auto burst = arriving(8 * mib + 10 * kib, 6 * mib + 512 * kib, 100000, 170);
    RaiseInputs in{.live_max = 14581760, .observed_max = 14581760, .delivery = burst,
                   .hard_max = 64 * mib, .growth = growth_for(4), .rtt_us = 100000,
                   .min_rtt_us = 100000};
    REQUIRE(decide_raise(in).verdict == Verdict::raise);  // as it was
    in.delivery->out_of_order = true;
    const auto held = decide_raise(in);
    CHECK(held.verdict == Verdict::out_of_order);
    CHECK_FALSE(held.need);  // so the tuner does not remember its window for the next event
    // A stale event is still stale; memory pressure still says so first.
    in.observed_max = 8036352;
    CHECK(decide_raise(in).verdict == Verdict::stale);
    in.observed_max = in.live_max;
    in.memory_pressure = true;
    CHECK(decide_raise(in).verdict == Verdict::memory_pressure);
}

TEST_CASE("the decision: a window still growing, or a need under one step, is left alone")
{
    // Slow start has filled 48 KiB of a 64 KiB window, doubling: it will get there itself.
    RaiseInputs in{.live_max = 128 * kib, .observed_max = 128 * kib,
                   .delivery = delivered(40 * kib, 20 * kib), .hard_max = 64 * mib,
                   .growth = growth_for(4), .rtt_us = 100000, .min_rtt_us = 100000};
    CHECK(decide_raise(in).verdict == Verdict::still_growing);
    // 16 MiB while a 100 ms path at 500 Mbit/s carries 5.9 MB (scaling ratio 170): 18 MB
    // needed, under one +25% step.
    in.live_max = in.observed_max = 16 * mib;
    in.delivery = Delivery{.copied_bytes = 5900000, .previous_bytes = 5400000,
                           .interval_us = 100000, .scaling_ratio = 170};
    CHECK(decide_raise(in).verdict == Verdict::nearly_enough);
    // The same through a queue: read over a 160 ms interval, the need is the same.
    in.delivery->copied_bytes = 9440000;
    in.delivery->previous_bytes = 9000000;
    in.delivery->interval_us = 160000;
    in.rtt_us = 110000;
    CHECK(decide_raise(in).verdict == Verdict::nearly_enough);
    // A path that carries more than the ceiling holds: raised to its need, plus 25%.
    in.delivery = Delivery{.copied_bytes = 9000000, .previous_bytes = 8000000,
                           .interval_us = 100000, .scaling_ratio = 170};
    CHECK(decide_raise(in).verdict == Verdict::raise);
    CHECK(decide_raise(in).step.basis == Basis::need);
    CHECK(decide_raise(in).step.new_max ==
          (static_cast<std::int64_t>(tcp_rcvbuf_wanted_bytes(9000000, 9000000, 170) * 1.25) /
               page_bytes + 1) * page_bytes);
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

TEST_CASE("a send buffer limits only when at the ceiling and full of data in flight")
{
    CHECK(tcp_sndbuf_is_limited(4194304, 4194304, 4000000, 0, 3000000));
    CHECK_FALSE(tcp_sndbuf_is_limited(1048576, 4194304, 1048576, 0, 700000));
    CHECK_FALSE(tcp_sndbuf_is_limited(4194304, 4194304, 100000, 0, 70000));
    // Unsent data under a quarter of the payload held: still the buffer that limits.
    CHECK(tcp_sndbuf_is_limited(16777216, 16777216, 14784921, 2600000, 8000000));
    // A quarter or more waits for the congestion window: the path limits, not the buffer.
    CHECK_FALSE(tcp_sndbuf_is_limited(16777216, 16777216, 14784921, 2700000, 8000000));
    CHECK_FALSE(tcp_sndbuf_is_limited(16777216, 16777216, 14784921, 6000000, 7750000));
    // Nothing in flight and nothing unsent (all acknowledged): not held back by anything.
    CHECK_FALSE(tcp_sndbuf_is_limited(4194304, 4194304, 4000000, 0, 0));
}

TEST_CASE("the path's lowest RTT is kept per peer, bounded")
{
    PeerPaths paths;
    CHECK(paths.observe_rtt("10.0.0.2", 50000) == 50000);
    CHECK(paths.observe_rtt("10.0.0.2", 40000) == 40000);
    CHECK(paths.observe_rtt("10.0.0.2", 60000) == 40000);
    CHECK(paths.observe_rtt("10.0.0.3", 9000) == 9000);
    CHECK(paths.observe_rtt("10.0.0.3", 0) == 0);
    for (int i = 0; i < 2000; ++i)
        paths.observe_rtt("peer" + std::to_string(i), 1000 + i);
    CHECK(paths.observe_rtt("10.0.0.2", 70000) == 70000);  // forgotten when the table filled
}
