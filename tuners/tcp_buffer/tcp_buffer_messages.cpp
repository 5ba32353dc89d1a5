#include "tcp_buffer_messages.hpp"

#include "tcp_buffer_policy.hpp"

extern "C" {
#include "tcp_buffer_event.h"
}

#include <cstdio>

namespace bpftune::tcp_buffer {

std::string raise_reason(const BufferLimited& limited, const Decision& decision,
                         std::uint32_t min_rtt_us)
{
    std::string text = std::string(limited.side == Side::receive ? "receive" : "send") +
                       " buffers of connections to " + limited.peer + " hit the maximum; ";
    const auto need = [&](std::uint64_t bytes, std::uint64_t window_bytes) {
        return format_bytes(bytes) + ", twice the " + format_bytes(window_bytes) +
               " they delivered per " + format_duration_us(min_rtt_us) + " (the path's lowest RTT)";
    };
    if (const auto& in_flight = decision.short_queue_need) {
        // Judged over the interval, not the lowest RTT: no queue worth avoiding can form.
        // Arrivals are known whenever this rule applies.
        text += "what arrived in an interval filled the window it allows, and a full ceiling "
                "holds only " +
                format_duration_us(decision.ceiling_fill_us) +
                " of what arrives, too short a queue to matter: " +
                (decision.step.basis == Basis::headroom ? "twice their need of "
                                                        : "their need and one smallest step more: ") +
                format_bytes(in_flight->measured_bytes) + ", twice the " +
                format_bytes(in_flight->measured_window_bytes) + " that arrived in " +
                format_duration_us(limited.arrival_interval_us) +
                " (RTT " + format_duration_us(limited.rtt_us) + ")";
        if (decision.step.capped)
            text += "; held to one step (-r) or the hard maximum";
        return text;
    }
    switch (decision.step.basis) {
    case Basis::headroom:
        text += "they filled the window it allows, so the path may carry more: twice their need of " +
                need(decision.need->measured_bytes, decision.need->measured_window_bytes);
        break;
    case Basis::need:
        text += "raised to what the path needs, and one smallest step more: " +
                (decision.need->window_full
                     ? need(decision.need->measured_bytes, decision.need->measured_window_bytes)
                     : need(decision.need->bytes, decision.need->window_bytes));
        break;
    case Basis::unknown:
        text += "full at the ceiling: it grows x4 while under " +
                format_bytes(cheap_ceiling_bytes) + ", x2 above";
        break;
    }
    if (decision.step.capped)
        text += "; held to one step (-r) or the hard maximum";
    return text;
}

std::string raise_evidence(const BufferLimited& limited)
{
    if (limited.side == Side::send)
        return "send buffer " + format_bytes(limited.buffer_bytes) +
               " full at the ceiling; smoothed RTT " + format_duration_us(limited.rtt_us);
    std::string arrived;
    if (limited.arrived_bytes && limited.arrival_interval_us)
        arrived = ", arrived " + format_bytes(limited.arrived_bytes) + " in " +
                  format_duration_us(limited.arrival_interval_us);
    return "autotuning wanted " + format_bytes(limited.wanted_bytes) + "; read " +
           format_bytes(limited.copied_bytes) + " in " + format_duration_us(limited.interval_us) +
           " (before: " + format_bytes(limited.previous_bytes) + ")" + arrived + ", RTT " +
           format_duration_us(limited.rtt_us) + ", scaling ratio " +
           std::to_string(limited.scaling_ratio) + "/256";
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

std::string out_of_order_hold(const std::string& tunable, const std::string& netns,
                              const BufferLimited& limited)
{
    std::string when;
    const auto add = [&when](const char* text) { when += (when.empty() ? "" : ", ") + std::string(text); };
    if (limited.out_of_order & TCP_BUFFER_HOLE_AT_START)
        add("a hole was open when it began");
    if (limited.out_of_order & TCP_BUFFER_HOLE_DURING)
        add("packets arrived out of order in it");
    if (limited.out_of_order & TCP_BUFFER_HOLE_AT_END)
        add("a hole was open when it ended");
    return "tcp_buffer: not raising " + tunable + " in netns " + netns + ": data from " +
           limited.peer + " arrived out of order in the last interval (" + when +
           "): its rate counts data that waited behind a lost or reordered packet, and a loss "
           "means the path, not the buffer, held the sender back (read " +
           format_bytes(limited.copied_bytes) + " in " + format_duration_us(limited.interval_us) +
           ")";
}

std::string need_hold(const std::string& tunable, const std::string& netns,
                      const Decision& decision, std::int64_t live_max)
{
    const std::string head = "tcp_buffer: not raising " + tunable + " (" +
                             format_bytes(live_max) + ") in netns " + netns + ": ";
    const std::string need = format_bytes(decision.need->bytes) + " for a window of " +
                             format_bytes(decision.need->window_bytes);
    if (decision.verdict == Verdict::still_growing)
        return head + "connections are still growing into it (need so far " + need + ")";
    return head + "the path needs " + need + ", less than one step more";
}

std::string unpin_report(const std::string& netns, std::int64_t old_max_bytes,
                         std::int64_t new_max_bytes, const UnpinPass& pass)
{
    const std::string held = " in netns " + netns + " held at the old net.ipv4.tcp_rmem[2] of " +
                             format_bytes(static_cast<std::uint64_t>(old_max_bytes));
    const auto connections = [](unsigned count) {
        return std::to_string(count) + (count == 1 ? " connection" : " connections");
    };
    if (pass.grown == 0)
        return "tcp_buffer: " + connections(pass.left_locked) + held + " left as " +
               (pass.left_locked == 1 ? "its application sized it" : "their applications sized them");
    std::string text = "tcp_buffer: " + connections(pass.grown) + held +
                       " got room to grow towards the new " +
                       format_bytes(static_cast<std::uint64_t>(new_max_bytes)) +
                       ": receive buffer grown up to x2 (the largest now " +
                       format_bytes(pass.largest_bytes) +
                       "), autotuning goes on from there; a higher ceiling alone does not reach "
                       "a connection that reads the same every round trip";
    if (pass.scale_capped)
        text += "; " + std::to_string(pass.scale_capped) + " of them cannot use a window above " +
                format_bytes(pass.scale_cap_bytes) +
                ": the window scale fixed when they connected (from the larger of "
                "net.ipv4.tcp_rmem[2] and net.core.rmem_max then) caps them, new connections "
                "get the new ceiling's";
    if (pass.left_locked)
        text += "; " + std::to_string(pass.left_locked) + " left as their applications sized them";
    return text;
}

}  // namespace bpftune::tcp_buffer
