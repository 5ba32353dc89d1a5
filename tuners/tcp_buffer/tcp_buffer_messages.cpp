#include "tcp_buffer_messages.hpp"

#include "tcp_buffer_policy.hpp"

#include <cstdio>

namespace bpftune::tcp_buffer {

std::string raise_reason(const BufferLimited& limited)
{
    return std::string(limited.side == Side::receive ? "receive" : "send") +
           " buffers of connections to " + limited.peer + " hit the maximum";
}

std::string raise_evidence(const BufferLimited& limited)
{
    if (limited.side == Side::send)
        return "send buffer " + format_bytes(limited.buffer_bytes) +
               " full at the ceiling; smoothed RTT " + format_duration_us(limited.rtt_us);
    return "autotuning wanted " + format_bytes(limited.wanted_bytes) +
           "; estimated bandwidth-delay product " + format_bytes(limited.copied_bytes) +
           " (read in " + format_duration_us(limited.interval_us) + ", RTT " +
           format_duration_us(limited.rtt_us) + ")";
}

std::string latency_hold(const std::string& tunable, const std::string& netns,
                         double correlation, std::size_t samples)
{
    char coefficient[16];
    std::snprintf(coefficient, sizeof coefficient, "%.2f", correlation);
    return "tcp_buffer stops raising " + tunable + " in netns " + netns +
           ": round-trip time grew with the buffer (correlation " + coefficient + " over " +
           std::to_string(samples) + " samples), so a larger buffer would only queue more";
}

std::string hard_limit_hold(const std::string& tunable, const std::string& netns,
                            std::int64_t value, std::int64_t hard_max)
{
    return "tcp_buffer: " + tunable + " in netns " + netns + " is at " + std::to_string(value) +
           ", the most bpftune allows (" + format_bytes(hard_max) + "); connections still want more";
}

std::string queueing_hold(const std::string& tunable, const std::string& netns,
                          const BufferLimited& limited, std::uint32_t min_rtt_us)
{
    return "tcp_buffer: not raising " + tunable + " in netns " + netns + ": RTT to " +
           limited.peer + " is " + format_duration_us(limited.rtt_us) + ", above its lowest " +
           format_duration_us(min_rtt_us) + ", so the path is full, not the buffer";
}

}  // namespace bpftune::tcp_buffer
