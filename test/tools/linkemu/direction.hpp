// One direction of the emulated link, without any I/O: frames arrive, meet random loss and the
// bottleneck queue per segment, leave the queue at the configured rate, spend the one-way delay
// on the wire and are handed to a transmit function. Time is passed in, so it is testable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bottleneck_queue.hpp"
#include "chance.hpp"
#include "delay_line.hpp"
#include "direction_stats.hpp"
#include "impairment.hpp"
#include "token_bucket.hpp"

namespace linkemu {

// Returns false when the far side refused the frame.
using transmit_fn = std::function<bool(std::span<const std::uint8_t>)>;

class direction {
 public:
  direction(const impairment& config, std::uint64_t seed, std::uint64_t stream, unsigned mtu_bytes);

  void arrive(frame data, std::int64_t now_ns);
  // Moves what the rate allows onto the wire and transmits what has reached the far end.
  void service(std::int64_t now_ns, const transmit_fn& transmit);
  // When service() next has something to do; nullopt when idle.
  std::optional<std::int64_t> next_wake_ns() const;
  direction_stats stats() const;

 private:
  enum class fate : std::uint8_t { pass, reorder, lost, queue_full };

  bool passes_whole(const frame_layout& layout) const;
  std::vector<fate> decide_segments(const frame_layout& layout);
  void settle_segments(frame data, const frame_layout& layout, const std::vector<fate>& fates,
                       std::int64_t now_ns);
  void settle_run(fate run_fate, packet_run run);
  std::int64_t release_ns(std::int64_t departure_ns, bool reordered);

  impairment config_;
  chance chance_;
  token_bucket bucket_;
  bottleneck_queue queue_;
  delay_line wire_;
  std::int64_t last_in_order_release_ns_ = 0;
  direction_stats stats_;
};

}  // namespace linkemu
