// What one unpin pass did (see tcp_buffer_unpin.hpp).
#pragma once

#include <cstdint>

namespace bpftune::tcp_buffer {

struct UnpinPass {
    unsigned visited = 0;             // sockets of the namespace the pass walked
    std::uint64_t elapsed_us = 0;     // how long the pass ran
    unsigned held = 0;                // at the old ceiling
    unsigned unmarked = 0;            // of those, never seen near it: not touched
    unsigned refused = 0;             // bpf_setsockopt refused
    unsigned grown = 0;               // receive buffers doubled
    unsigned left_locked = 0;         // held, but sized or clamped by their application
    std::uint32_t largest_bytes = 0;  // the largest of them after the pass
    // Of those grown, how many cannot advertise the window the new ceiling allows: their
    // window scale was fixed at the handshake. And the smallest such window.
    unsigned scale_capped = 0;
    std::uint32_t scale_cap_bytes = 0;
};

}  // namespace bpftune::tcp_buffer
