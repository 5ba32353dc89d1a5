// A frame in flight inside the emulator, with what the queue and the delay line need to know.
#pragma once

#include <cstdint>

#include "gso_frame.hpp"

namespace linkemu {

struct packet_run {
  frame data;
  std::uint32_t segments = 1;
  std::uint64_t wire_bytes = 0;
  bool reordered = false;
  std::int64_t arrival_ns = 0;  // when it was read from the TUN device
};

}  // namespace linkemu
