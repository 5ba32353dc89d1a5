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
// A queue this short harms nobody (CoDel's target delay). Where data arrives so fast that a
// full ceiling holds no more than this, the RTT rising above its lowest is the hosts' own
// latency (loopback, a LAN, a busy CPU), and a larger window is what the connection lacks.
constexpr std::uint64_t harmless_queue_us = 5000;

// The highest value bpftune will ever write to tcp_rmem[2] / tcp_wmem[2] on this machine.
std::int64_t hard_max_bytes(std::int64_t ram_bytes);

struct Growth {
    double min_factor;  // smallest step worth a write
    double max_factor;  // largest step in one change
};
// -r 0..4: 4 takes the largest steps (x4 at most), 0 the most cautious (+25% at most).
Growth growth_for(int learning_rate);

// Under this ceiling (the kernel's own default for tcp_wmem[2], below its 6 MiB for
// tcp_rmem[2]) a buffer costs little, so a connection that fills it gets twice its need.
constexpr std::int64_t cheap_ceiling_bytes = 4 << 20;

// What a receive event measured over its last interval (at least one RTT).
struct Delivery {
    std::uint32_t copied_bytes = 0;    // read by the application in the interval
    std::uint32_t previous_bytes = 0;  // the most read in an interval before
    std::uint32_t interval_us = 0;
    // What arrived from the path since the socket's previous interval, and over how long (0:
    // unknown). Unlike the bytes read, it excludes a backlog the application caught up on.
    std::uint32_t arrived_bytes = 0;
    std::uint32_t arrival_interval_us = 0;
    std::uint8_t scaling_ratio = 0;    // payload share of buffer memory, /256 (0: unknown)
    std::uint64_t previous_window_bytes = 0;  // measured_window_bytes of the peer's last event
    // Data arrived out of order in the interval, or a hole was open at either end of it.
    bool out_of_order = false;
};

// What the path needs of the ceiling, from what it delivered.
struct Need {
    // Autotuning's steady ask for the bytes delivered in the path's lowest RTT: twice that
    // window, as buffer memory, without the slow-start term that doubles it again each RTT.
    std::uint64_t bytes = 0;
    // Payload delivered per lowest RTT (the BDP in use): the smaller of this interval's and
    // the previous one's, since an application catching up on its reads makes one interval
    // look faster than the link.
    std::uint64_t window_bytes = 0;
    std::uint64_t measured_window_bytes = 0;  // this interval's alone
    std::uint64_t measured_bytes = 0;         // the need from this interval's window alone
    // This interval's window used 3/4 or more of what the ceiling allows (a full window is
    // capped by the ceiling, so one interval is enough to tell).
    bool window_full = false;
    bool still_growing = false;      // delivery grew by half or more since the last interval
};

// Nothing when the event does not say (send side) or the interval is not measured.
std::optional<Need> path_need(const Delivery& delivery, std::uint32_t min_rtt_us,
                              std::int64_t ceiling);

// How long data arriving at the delivery's rate takes to fill `bytes` (nothing: arrivals not
// known, as the bytes read may include a backlog and overstate the rate).
std::optional<std::uint64_t> fill_time_us(const Delivery& delivery, std::uint64_t bytes);

enum class Basis {
    headroom,  // the window was full: the path may carry more, so twice this interval's need
    need,      // what the path needs, and one smallest step more against noise
    unknown,   // no demand known (send buffer full at the ceiling): as if the window was full
};

struct Step {
    std::int64_t new_max = 0;
    Basis basis = Basis::need;
    bool capped = false;  // held to the largest step, or to the hard maximum
};

// The next ceiling: the need plus one smallest step (nothing known: twice the ceiling), or
// twice the need when the window was full and the ceiling is under cheap_ceiling_bytes;
// moved at least min_factor and at most max_factor, page-aligned and never above hard_max.
// Nothing at hard_max.
std::optional<Step> next_buffer_max(std::int64_t current_max, const std::optional<Need>& need,
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
    // Out-of-order arrival touched the interval: a filled hole releases data that arrived
    // before it (the rate overstates the path), and a packet lost or reordered means the
    // sender's congestion window, not the receive buffer, held it back.
    out_of_order,
    latency_correlated,  // raising the buffer has been raising RTT: more would only queue
    path_queueing,       // RTT well above the path's lowest: the link, not the buffer, limits
    nearly_enough,       // the path needs less than one minimum step more
    still_growing,       // slow start has not yet filled the window the ceiling allows
};

struct RaiseInputs {
    std::int64_t live_max = 0;      // the ceiling now, read from /proc/sys
    std::int64_t observed_max = 0;  // the ceiling the kernel used when the event fired
    std::optional<Delivery> delivery;  // receive side only
    std::int64_t hard_max = 0;
    Growth growth{};
    bool memory_pressure = false;
    const Correlation* buffer_vs_rtt = nullptr;
    std::uint32_t rtt_us = 0;       // of the connection that hit the ceiling
    std::uint32_t min_rtt_us = 0;   // lowest seen towards that peer (0: unknown)
};

struct Decision {
    Verdict verdict;
    Step step{};                // for raise
    std::optional<Need> need{};  // at the path's lowest RTT
    // Set when what arrived over one interval filled the window the ceiling allows and a full
    // ceiling holds no more than harmless_queue_us of it: the raise went on this need (the
    // interval's window), whatever the lowest RTT said.
    std::optional<Need> short_queue_need{};
    std::uint64_t ceiling_fill_us = 0;  // with short_queue_need: how long a full ceiling holds
};

Decision decide_raise(const RaiseInputs& in);

// What the tuner remembers per peer ("netns cookie/address"): the path's lowest RTT, so a
// queue building up on the path can be told apart from a window that is too small, and the
// window its last receive event measured. Bounded: it forgets everything when full.
class PeerPaths {
public:
    // Records an RTT sample and returns the lowest seen towards the peer, this one included
    // (0 for a sample of 0, which is not kept).
    std::uint32_t observe_rtt(const std::string& peer, std::uint32_t rtt_us);
    std::uint64_t last_window(const std::string& peer) const;  // 0: nothing measured yet
    void remember_window(const std::string& peer, std::uint64_t window_bytes);
    // Drops what was learned in a namespace that was deleted.
    void forget_netns(std::uint64_t netns_cookie);

private:
    struct Path {
        std::uint32_t min_rtt_us = 0;
        std::uint64_t last_window_bytes = 0;
    };
    Path& entry(const std::string& peer);

    static constexpr std::size_t max_peers = 1024;
    std::map<std::string, Path> paths_;
};

// "1.5 MiB", "900 KiB", "512 B": sizes in messages.
std::string format_bytes(std::uint64_t bytes);
// "45 us", "120 ms".
std::string format_duration_us(std::uint64_t us);

}  // namespace bpftune::tcp_buffer
