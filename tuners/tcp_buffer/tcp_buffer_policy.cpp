#include "tcp_buffer_policy.hpp"

extern "C" {
#include "tcp_buffer_demand.h"
}

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace bpftune::tcp_buffer {

std::int64_t hard_max_bytes(std::int64_t ram_bytes)
{
    const std::int64_t ram_cap = std::max(ram_cap_floor_bytes, ram_bytes / ram_share_divisor);
    return std::min(kernel_max_bytes, ram_cap) / page_bytes * page_bytes;
}

Growth growth_for(int learning_rate)
{
    static constexpr std::array<Growth, 5> by_rate{{
        {1.015625, 1.25},
        {1.03125, 1.5},
        {1.0625, 2.0},
        {1.125, 3.0},
        {1.25, 4.0},
    }};
    return by_rate[static_cast<std::size_t>(std::clamp(learning_rate, 0, 4))];
}

std::optional<Need> path_need(const Delivery& delivery, std::uint32_t min_rtt_us,
                              std::int64_t ceiling)
{
    if (!delivery.interval_us || !delivery.copied_bytes || !min_rtt_us)
        return std::nullopt;
    // Rate times the lowest RTT: the window the path carries, whatever the queue adds. The
    // rate is what arrived when that is known, else what the application read.
    const bool arrival_known = delivery.arrived_bytes && delivery.arrival_interval_us;
    const std::uint64_t bytes = arrival_known ? delivery.arrived_bytes : delivery.copied_bytes;
    const std::uint64_t over_us =
        arrival_known ? delivery.arrival_interval_us : delivery.interval_us;
    const auto window = static_cast<std::uint32_t>(
        bytes * std::min<std::uint64_t>(min_rtt_us, over_us) / over_us);
    Need need;
    need.measured_window_bytes = window;
    need.window_bytes = delivery.previous_window_bytes
                            ? std::min<std::uint64_t>(window, delivery.previous_window_bytes)
                            : window;
    const auto used = static_cast<std::uint32_t>(need.window_bytes);
    need.bytes = tcp_rcvbuf_wanted_bytes(used, used, delivery.scaling_ratio);
    need.measured_bytes = tcp_rcvbuf_wanted_bytes(window, window, delivery.scaling_ratio);
    need.window_full = need.measured_bytes * 2 >= static_cast<std::uint64_t>(ceiling) * 3;
    need.still_growing = static_cast<std::uint64_t>(delivery.copied_bytes) * 2 >=
                         static_cast<std::uint64_t>(delivery.previous_bytes) * 3;
    return need;
}

std::optional<std::uint64_t> fill_time_us(const Delivery& delivery, std::uint64_t bytes)
{
    if (!delivery.arrived_bytes || !delivery.arrival_interval_us)
        return std::nullopt;
    return bytes * delivery.arrival_interval_us / delivery.arrived_bytes;
}

std::optional<Step> next_buffer_max(std::int64_t current_max, const std::optional<Need>& need,
                                    std::int64_t hard_max, const Growth& growth)
{
    if (current_max >= hard_max)
        return std::nullopt;
    const double current = static_cast<double>(std::max<std::int64_t>(current_max, page_bytes));
    const bool cheap = current_max < cheap_ceiling_bytes;
    Step step;
    double target;
    if (!need) {
        step.basis = Basis::unknown;
        target = current * (cheap ? 4.0 : 2.0);
    } else if (need->window_full && cheap) {
        step.basis = Basis::headroom;
        target = static_cast<double>(need->measured_bytes) * 2.0;
    } else {
        step.basis = Basis::need;
        // A full window is bounded by the ceiling, so this interval alone counts; the one
        // before may be slow start's half. One smallest step above: the next interval's
        // noise then does not ask for another.
        const auto bytes = need->window_full ? need->measured_bytes : need->bytes;
        target = static_cast<double>(bytes) * growth.min_factor;
    }
    double bounded = std::clamp(target, current * growth.min_factor, current * growth.max_factor);
    bounded = std::min(bounded, static_cast<double>(hard_max));
    step.capped = bounded < target;
    auto aligned = static_cast<std::int64_t>(std::ceil(bounded / page_bytes)) * page_bytes;
    step.new_max = std::min(aligned, hard_max);
    if (step.new_max <= current_max)
        return std::nullopt;
    return step;
}

bool near_memory_pressure(const TcpMemory& memory)
{
    if (memory.kernel_in_pressure)
        return true;
    if (memory.pressure_pages <= 0)
        return false;
    return memory.allocated_pages >= memory.pressure_pages - memory.pressure_pages / 4;
}

bool parse_protocols_tcp_pressure(std::string_view protocols)
{
    // Columns: protocol size sockets memory press ...; the row is "TCP", not "TCPv6".
    std::size_t start = 0;
    while (start < protocols.size()) {
        auto end = protocols.find('\n', start);
        auto line = protocols.substr(start, end == std::string_view::npos ? end : end - start);
        start = end == std::string_view::npos ? protocols.size() : end + 1;
        if (!line.starts_with("TCP ") && !line.starts_with("TCP\t"))
            continue;
        std::string_view field;
        for (int column = 0; column < 5 && !line.empty(); ++column) {
            line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
            const auto width = std::min(line.find_first_of(" \t"), line.size());
            field = line.substr(0, width);
            line.remove_prefix(width);
        }
        return field == "yes";
    }
    return false;
}

std::optional<std::int64_t> parse_sockstat_tcp_pages(std::string_view sockstat)
{
    const auto line_start = sockstat.find("TCP:");
    if (line_start == std::string_view::npos)
        return std::nullopt;
    auto line = sockstat.substr(line_start);
    line = line.substr(0, line.find('\n'));
    const auto mem = line.find(" mem ");
    if (mem == std::string_view::npos)
        return std::nullopt;
    std::int64_t pages = 0;
    bool digits = false;
    for (char c : line.substr(mem + 5)) {
        if (c < '0' || c > '9')
            break;
        pages = pages * 10 + (c - '0');
        digits = true;
    }
    return digits ? std::optional(pages) : std::nullopt;
}

Decision decide_raise(const RaiseInputs& in)
{
    if (in.observed_max < in.live_max)
        return {Verdict::stale};
    if (in.memory_pressure)
        return {Verdict::memory_pressure};
    // No need either: it would be remembered as the peer's last window and size the next.
    if (in.delivery && in.delivery->out_of_order)
        return {Verdict::out_of_order};
    const auto need =
        in.delivery ? path_need(*in.delivery, in.min_rtt_us ? in.min_rtt_us : in.rtt_us, in.live_max)
                    : std::nullopt;
    // The lowest RTT tells the path's own window from a queue. Where data arrives so fast that
    // a full ceiling holds under harmless_queue_us of it, no queue worth avoiding can form;
    // what limits is the cycle of the sender waiting for the reader to open the window, and
    // what arrived over one interval (at least an RTT, up to the read that ended it) is the
    // window that cycle needs. Only under cheap_ceiling_bytes, and never past it: above it,
    // memory counts, and a fast stream near the kernel's own 6 MiB needs the path's evidence
    // like any other. Only where arrivals are known (bytes read may include a backlog: no
    // fill time then) and the RTT itself is under harmless_queue_us, which a window-limited
    // connection's fill time implies but two bursts caught in one interval could fake.
    std::optional<Need> short_queue_need;
    std::uint64_t ceiling_fill_us = 0;
    const auto fill_us = in.delivery ? fill_time_us(*in.delivery, in.live_max) : std::nullopt;
    if (fill_us && *fill_us <= harmless_queue_us && in.live_max < cheap_ceiling_bytes &&
        in.rtt_us && in.rtt_us <= harmless_queue_us) {
        // The interval's own window: arrivals over it, not scaled to any RTT.
        const auto in_flight =
            path_need(*in.delivery, std::numeric_limits<std::uint32_t>::max(), in.live_max);
        if (in_flight && in_flight->window_full) {
            short_queue_need = in_flight;
            ceiling_fill_us = *fill_us;
        }
    }
    if (!short_queue_need) {
        // A window not yet full says nothing while slow start still doubles it; once steady,
        // it is what the path carries.
        if (need && !need->window_full) {
            if (need->still_growing)
                return {Verdict::still_growing, {}, need};
            if (static_cast<double>(need->bytes) <
                static_cast<double>(in.live_max) * in.growth.min_factor)
                return {Verdict::nearly_enough, {}, need};
        }
        if (in.min_rtt_us && in.rtt_us > in.min_rtt_us * queueing_rtt_factor)
            return {Verdict::path_queueing, {}, need};
    }
    if (in.buffer_vs_rtt && in.buffer_vs_rtt->samples() >= correlation_min_samples &&
        in.buffer_vs_rtt->coefficient() > latency_correlation_threshold)
        return {Verdict::latency_correlated, {}, need};
    auto step = next_buffer_max(in.live_max, short_queue_need ? short_queue_need : need,
                                in.hard_max, in.growth);
    if (!step)
        return {Verdict::at_hard_limit, {}, need};
    if (short_queue_need && step->new_max > cheap_ceiling_bytes) {
        step->new_max = cheap_ceiling_bytes;
        step->capped = true;
    }
    return {Verdict::raise, *step, need, short_queue_need, ceiling_fill_us};
}

PeerPaths::Path& PeerPaths::entry(const std::string& peer)
{
    if (paths_.size() >= max_peers && !paths_.contains(peer))
        paths_.clear();
    return paths_[peer];
}

std::uint32_t PeerPaths::observe_rtt(const std::string& peer, std::uint32_t rtt_us)
{
    if (rtt_us == 0)
        return 0;
    Path& path = entry(peer);
    if (path.min_rtt_us == 0 || rtt_us < path.min_rtt_us)
        path.min_rtt_us = rtt_us;
    return path.min_rtt_us;
}

std::uint64_t PeerPaths::last_window(const std::string& peer) const
{
    const auto it = paths_.find(peer);
    return it == paths_.end() ? 0 : it->second.last_window_bytes;
}

void PeerPaths::remember_window(const std::string& peer, std::uint64_t window_bytes)
{
    entry(peer).last_window_bytes = window_bytes;
}

void PeerPaths::forget_netns(std::uint64_t netns_cookie)
{
    const std::string prefix = std::to_string(netns_cookie) + "/";
    std::erase_if(paths_, [&prefix](const auto& item) { return item.first.starts_with(prefix); });
}

std::string format_duration_us(std::uint64_t us)
{
    if (us >= 10000)
        return std::to_string(us / 1000) + " ms";
    return std::to_string(us) + " us";
}

std::string format_bytes(std::uint64_t bytes)
{
    char text[32];
    if (bytes >= (1ull << 20))
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    else if (bytes >= (1ull << 10))
        std::snprintf(text, sizeof text, "%.0f KiB", static_cast<double>(bytes) / (1 << 10));
    else
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    return text;
}

}  // namespace bpftune::tcp_buffer
