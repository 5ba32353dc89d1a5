// What one direction of the emulated link does to the packets crossing it.
#pragma once

#include <cstdint>

namespace linkemu {

struct impairment {
  std::uint64_t delay_us = 0;          // one-way propagation delay
  std::uint64_t jitter_us = 0;         // delay varies uniformly in [-jitter, +jitter]
  double loss_percent = 0;             // independent random loss per segment
  double reorder_percent = 0;          // segments held back so later ones overtake them
  std::uint64_t reorder_delay_us = 1000;  // how long a reordered segment is held back
  std::uint64_t rate_bits_per_s = 0;   // 0: no rate limit
  std::uint64_t burst_bytes = 0;       // token bucket depth; 0: automatic
  std::uint64_t queue_packets = 1000;  // bottleneck queue limit in segments (drop-tail)
  std::uint64_t queue_bytes = 0;       // bottleneck queue limit in bytes; 0: none
};

}  // namespace linkemu
