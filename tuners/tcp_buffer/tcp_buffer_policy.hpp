// tcp_buffer's decisions as pure functions over numbers: how far to raise a buffer ceiling,
// and when not to raise it at all.
#pragma once

#include "policy/correlation.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bpftune::tcp_buffer {

// The kernel rejects tcp_rmem/tcp_wmem values above INT_MAX (seed 000: the 2 GB bug).
constexpr std::int64_t kernel_max_bytes = 2147483647;
// A single connection's buffer never needs more than this share of RAM...
constexpr std::int64_t ram_share_divisor = 64;
// ...but small machines still get the 16 MiB that expert guides recommend.
constexpr std::int64_t ram_cap_floor_bytes = 16 << 20;
constexpr std::int64_t page_bytes = 4096;
// Correlations below this many samples mean nothing.
constexpr std::size_t correlation_min_samples = 10;
constexpr double latency_correlation_threshold = 0.75;
// RTT this far above the path's lowest means a queue is building: the path is full.
constexpr double queueing_rtt_factor = 1.25;

// The highest value bpftune will ever write to tcp_rmem[2] / tcp_wmem[2] on this machine.
std::int64_t hard_max_bytes(std::int64_t ram_bytes);

struct Growth {
    double min_factor;  // smallest step worth a write
    double max_factor;  // largest step in one change
};
// -r 0..4: 4 takes the largest steps (x4 at most), 0 the most cautious (+25% at most).
Growth growth_for(int learning_rate);

// The next ceiling. wanted_bytes is what the kernel's autotuning asked for (0: unknown, then
// the ceiling doubles). The result follows that demand, moves at least
// min_factor and at most max_factor, is page-aligned and never exceeds hard_max.
// Nothing when the current value is already at hard_max.
std::optional<std::int64_t> next_buffer_max(std::int64_t current_max, std::uint64_t wanted_bytes,
                                            std::int64_t hard_max, const Growth& growth);

struct TcpMemory {
    std::int64_t allocated_pages = 0;  // /proc/net/sockstat "TCP: ... mem N"
    std::int64_t pressure_pages = 0;   // net.ipv4.tcp_mem[1]
    bool kernel_in_pressure = false;   // /proc/net/protocols "press" of TCP: the kernel's own
                                       // state, which lasts until usage falls under tcp_mem[0]
};
// Raising buffers near the pressure threshold would push every socket into pressure mode.
bool near_memory_pressure(const TcpMemory& memory);

// Whether the kernel says TCP is under memory pressure (the TCP row of /proc/net/protocols).
bool parse_protocols_tcp_pressure(std::string_view protocols);

// The "mem" field of the TCP line of /proc/net/sockstat, in pages.
std::optional<std::int64_t> parse_sockstat_tcp_pages(std::string_view sockstat);

enum class Verdict {
    raise,
    stale,               // the event saw an older ceiling: a raise already answered it
    at_hard_limit,
    memory_pressure,
    latency_correlated,  // raising the buffer has been raising RTT: more would only queue
    path_queueing,       // RTT well above the path's lowest: the link, not the buffer, limits
    nearly_enough,       // the kernel asks for less than one minimum step more
};

struct RaiseInputs {
    std::int64_t live_max = 0;      // the ceiling now, read from /proc/sys
    std::int64_t observed_max = 0;  // the ceiling the kernel used when the event fired
    std::uint64_t wanted_bytes = 0;
    std::int64_t hard_max = 0;
    Growth growth{};
    bool memory_pressure = false;
    const Correlation* buffer_vs_rtt = nullptr;
    std::uint32_t rtt_us = 0;       // of the connection that hit the ceiling
    std::uint32_t min_rtt_us = 0;   // lowest seen towards that peer (0: unknown)
};

struct Decision {
    Verdict verdict;
    std::int64_t new_max = 0;
};

Decision decide_raise(const RaiseInputs& in);

// Lowest RTT seen per peer, so a queue building up on the path can be told apart from a
// window that is too small. Bounded: it forgets everything when full.
class PathRtt {
public:
    // Records a sample and returns the lowest RTT seen towards the peer, this one included.
    std::uint32_t observe(const std::string& peer, std::uint32_t rtt_us);

private:
    static constexpr std::size_t max_peers = 1024;
    std::map<std::string, std::uint32_t> min_rtt_us_;
};

// "1.5 MiB", "900 KiB", "512 B": sizes in messages.
std::string format_bytes(std::uint64_t bytes);
// "45 us", "120 ms".
std::string format_duration_us(std::uint64_t us);

}  // namespace bpftune::tcp_buffer
