#include "tcp_buffer_policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

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

std::optional<std::int64_t> next_buffer_max(std::int64_t current_max, std::uint64_t wanted_bytes,
                                            std::int64_t hard_max, const Growth& growth)
{
    if (current_max >= hard_max)
        return std::nullopt;
    const double current = static_cast<double>(std::max<std::int64_t>(current_max, page_bytes));
    // The kernel's own ask already holds 2x the last RTT's data plus the sender's growth.
    double target = wanted_bytes ? static_cast<double>(wanted_bytes)
                                 : current * std::min(2.0, growth.max_factor);
    target = std::clamp(target, current * growth.min_factor, current * growth.max_factor);
    target = std::min(target, static_cast<double>(hard_max));
    auto aligned = static_cast<std::int64_t>(std::ceil(target / page_bytes)) * page_bytes;
    aligned = std::min(aligned, hard_max);
    if (aligned <= current_max)
        return std::nullopt;
    return aligned;
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
    // The kernel's ask already doubles what the last RTT carried; asking for less than one
    // step more means the ceiling covers the path.
    if (in.wanted_bytes &&
        static_cast<double>(in.wanted_bytes) < static_cast<double>(in.live_max) * in.growth.min_factor)
        return {Verdict::nearly_enough};
    if (in.min_rtt_us && in.rtt_us > in.min_rtt_us * queueing_rtt_factor)
        return {Verdict::path_queueing};
    if (in.buffer_vs_rtt && in.buffer_vs_rtt->samples() >= correlation_min_samples &&
        in.buffer_vs_rtt->coefficient() > latency_correlation_threshold)
        return {Verdict::latency_correlated};
    auto next = next_buffer_max(in.live_max, in.wanted_bytes, in.hard_max, in.growth);
    if (!next)
        return {Verdict::at_hard_limit};
    return {Verdict::raise, *next};
}

std::uint32_t PathRtt::observe(const std::string& peer, std::uint32_t rtt_us)
{
    if (rtt_us == 0)
        return 0;
    if (min_rtt_us_.size() >= max_peers && !min_rtt_us_.contains(peer))
        min_rtt_us_.clear();
    auto [it, inserted] = min_rtt_us_.try_emplace(peer, rtt_us);
    if (!inserted)
        it->second = std::min(it->second, rtt_us);
    return it->second;
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
