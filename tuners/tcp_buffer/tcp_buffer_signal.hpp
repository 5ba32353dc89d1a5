// tcp_buffer's typed events, decoded once from ring-buffer records.
#pragma once

#include "event/event_router.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace bpftune::tcp_buffer {

enum class Side { receive, send };

struct BufferLimited {
    Side side;
    NetnsCookie netns_cookie;
    std::uint32_t buffer_bytes;
    std::uint32_t sysctl_max_bytes;
    std::uint64_t wanted_bytes;     // 0 when the kernel does not say (send side)
    std::uint32_t copied_bytes;     // receive: read in the last interval
    std::uint32_t previous_bytes;   // receive: the most read in an interval before
    std::uint32_t interval_us;
    std::uint32_t arrived_bytes;        // receive: what the path brought since the last interval (0: unknown)
    std::uint32_t arrival_interval_us;  // receive: over how long
    std::uint8_t scaling_ratio;     // receive: payload share of buffer memory, /256 (0: unknown)
    std::uint8_t out_of_order;      // receive: TCP_BUFFER_HOLE_* flags of the interval
    std::uint32_t rtt_us;
    std::string peer;               // "10.0.0.2" or "fd00::2"
};

struct MemoryLimit {
    std::int64_t allocated_pages;
    std::int64_t tcp_mem_pages[3];
};

// A growing connection's receive demand came within half of tcp_rmem[2].
struct ReceiveNearCeiling {
    NetnsCookie netns_cookie;
};

struct Signal {
    std::optional<BufferLimited> buffer;
    std::optional<MemoryLimit> memory;
    std::optional<ReceiveNearCeiling> receive_near_ceiling;
};

// Nothing for a record of an unknown kind or the wrong size.
std::optional<Signal> decode(NetnsCookie cookie, RawRecord record);

}  // namespace bpftune::tcp_buffer
