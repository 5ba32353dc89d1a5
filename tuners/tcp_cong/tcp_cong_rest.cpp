#include "tcp_cong_rest.hpp"

#include "tcp_cong_policy.h"

namespace bpftune::tcp_cong {

bool should_rest(const WatchCounts& seen, std::chrono::seconds period)
{
    if (period.count() <= 0)
        return false;
    const auto flood = flood_connections_per_s * static_cast<std::uint64_t>(period.count());
    return seen.connections >= flood && seen.samples == 0 && seen.loss_moves == 0;
}

std::string rest_reason(const WatchCounts& seen, std::chrono::seconds period,
                        std::chrono::seconds rest)
{
    return std::to_string(seen.connections) + " connection ends in the last " +
           std::to_string(period.count()) + " s, none delivered enough to learn from (" +
           std::to_string(TCP_CONG_MIN_SAMPLE_BYTES / 1024) +
           " KiB) or lost enough to move to bbr: tcp_cong rests for " +
           std::to_string(rest.count()) +
           " s, connections keep their namespace's default meanwhile, and its sockops "
           "program costs them nothing";
}

}  // namespace bpftune::tcp_cong
