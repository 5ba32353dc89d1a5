// When tcp_cong steps aside: its sockops program is called on about nine callbacks of every
// connection, and the kernel's dispatch of those alone costs a flood of short connections
// more than anything the program does (churn here, 2026-12-07: an empty sockops program
// 0.966-0.981 of the rate without one, tcp_cong within half a percent of that). A connection
// that delivers less than TCP_CONG_MIN_SAMPLE_BYTES teaches nothing, and for one so short the
// algorithm makes no difference. So after a watch period in which many connections came and
// none was learned from or moved after loss, the program is detached for a rest period, then
// attached to watch again. Pure functions, tested without a kernel.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bpftune::tcp_cong {

// What the program counted over one watch period (differences of its per-CPU counters).
struct WatchCounts {
    // Established connection ends, every namespace, in scope or not (each costs the
    // dispatch): both ends of a connection on this host count, one each.
    std::uint64_t connections = 0;
    std::uint64_t samples = 0;      // connections (or parts of one) learned from
    std::uint64_t loss_moves = 0;   // moved to bbr, or sent back from exploring, after loss
};

// A flood: this many connection ends a second, averaged over the watch period. Below it the
// dispatch costs a host too little to weigh against missing a long transfer.
inline constexpr std::uint64_t flood_connections_per_s = 1000;
inline constexpr std::chrono::seconds watch_period{15};
inline constexpr std::chrono::seconds rest_period{300};

// Whether to rest after a watch period of `period`: a flood, and nothing learned or moved.
bool should_rest(const WatchCounts& seen, std::chrono::seconds period);

// The journal's reason: "612000 connection ends in the last 15 s, none delivered enough to learn
// from (64 KiB) or lost enough to move to bbr: tcp_cong rests for 300 s, connections keep
// their namespace's default meanwhile, and its sockops program costs them nothing".
std::string rest_reason(const WatchCounts& seen, std::chrono::seconds period,
                        std::chrono::seconds rest);

}  // namespace bpftune::tcp_cong
