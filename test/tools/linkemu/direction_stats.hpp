// What happened to the packets of one direction; printed at exit.
#pragma once

#include <cstdint>
#include <string>

namespace linkemu {

struct direction_stats {
  // Frames are what crossed the TUN device; segments are what they would be on a wire.
  std::uint64_t rx_frames = 0, rx_segments = 0, rx_bytes = 0;
  std::uint64_t tx_frames = 0, tx_segments = 0, tx_bytes = 0;
  std::uint64_t lost_segments = 0, lost_bytes = 0;               // random loss
  std::uint64_t queue_drop_segments = 0, queue_drop_bytes = 0;   // bottleneck queue full
  std::uint64_t write_error_frames = 0;                          // refused by the far TUN device
  std::uint64_t reordered_segments = 0;
  std::uint64_t split_frames = 0;  // aggregates cut because their segments met different fates
  std::uint64_t queue_high_segments = 0, queue_high_bytes = 0;   // high-water marks
};

// One line of key=value pairs, so scripts can pick fields with grep or sed.
std::string format_stats(const std::string& name, const direction_stats& stats);

}  // namespace linkemu
