#include "tcp_buffer_signal.hpp"

extern "C" {
#include "tcp_buffer_demand.h"
#include "tcp_buffer_event.h"
}

#include <arpa/inet.h>

#include <cstring>

namespace bpftune::tcp_buffer {
namespace {

std::string peer_text(const tcp_buffer_event& e)
{
    char text[INET6_ADDRSTRLEN] = "?";
    static constexpr unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (e.family != AF_INET6)
        ::inet_ntop(AF_INET, e.peer_address, text, sizeof text);
    else if (std::memcmp(e.peer_address, v4_mapped, sizeof v4_mapped) == 0)
        ::inet_ntop(AF_INET, e.peer_address + 12, text, sizeof text);  // a dual-stack socket
    else
        ::inet_ntop(AF_INET6, e.peer_address, text, sizeof text);
    return text;
}

}  // namespace

std::optional<Signal> decode(NetnsCookie cookie, RawRecord record)
{
    const auto read = record_as<tcp_buffer_event>(record);
    if (!read)
        return std::nullopt;
    const tcp_buffer_event& e = *read;
    switch (e.header.kind) {
    case TCP_BUFFER_RCVBUF_LIMITED:
    case TCP_BUFFER_SNDBUF_LIMITED: {
        const bool receive = e.header.kind == TCP_BUFFER_RCVBUF_LIMITED;
        return Signal{BufferLimited{
            .side = receive ? Side::receive : Side::send,
            .netns_cookie = cookie,
            .buffer_bytes = e.buffer_bytes,
            .sysctl_max_bytes = e.sysctl_max_bytes,
            .wanted_bytes = receive ? tcp_rcvbuf_wanted_bytes(e.copied_bytes,
                                                              e.previous_space_bytes,
                                                              e.scaling_ratio)
                                    : 0,
            .copied_bytes = e.copied_bytes,
            .previous_bytes = e.previous_space_bytes,
            .interval_us = e.interval_us,
            .arrived_bytes = e.arrived_bytes,
            .arrival_interval_us = e.arrival_interval_us,
            .scaling_ratio = e.scaling_ratio,
            .out_of_order = receive ? e.out_of_order : std::uint8_t{0},
            .rtt_us = e.rtt_us,
            .peer = peer_text(e),
        }, std::nullopt, std::nullopt};
    }
    case TCP_BUFFER_MEMORY_LIMIT:
        return Signal{std::nullopt,
                      MemoryLimit{e.memory_allocated_pages,
                                  {e.tcp_mem_pages[0], e.tcp_mem_pages[1], e.tcp_mem_pages[2]}},
                      std::nullopt};
    case TCP_BUFFER_RCV_NEAR_CEILING:
        return Signal{std::nullopt, std::nullopt, ReceiveNearCeiling{cookie}};
    default:
        return std::nullopt;
    }
}

}  // namespace bpftune::tcp_buffer
