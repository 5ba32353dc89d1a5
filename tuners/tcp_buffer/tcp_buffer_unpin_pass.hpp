// What one unpin pass did (see tcp_buffer_unpin.hpp).
#pragma once

#include <cstdint>

namespace bpftune::tcp_buffer {

struct UnpinPass {
    unsigned grown = 0;               // receive buffers doubled
    unsigned left_locked = 0;         // held, but sized or clamped by their application
    std::uint32_t largest_bytes = 0;  // the largest of them after the pass
};

}  // namespace bpftune::tcp_buffer
