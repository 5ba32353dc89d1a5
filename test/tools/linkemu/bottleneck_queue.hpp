// The drop-tail queue in front of the rate limit, with limits in segments and bytes and their
// high-water marks. Segments, not frames, are counted: a 64 KiB aggregate is ~45 packets.
#pragma once

#include <cstdint>
#include <deque>

#include "packet_run.hpp"

namespace linkemu {

class bottleneck_queue {
 public:
  bottleneck_queue(std::uint64_t limit_segments, std::uint64_t limit_bytes)
      : limit_segments_(limit_segments), limit_bytes_(limit_bytes) {}

  // Would the queue hold `segments` more, on top of what is already promised?
  bool has_room(std::uint64_t segments, std::uint64_t bytes) const {
    bool segments_fit = queued_segments_ + segments <= limit_segments_;
    bool bytes_fit = limit_bytes_ == 0 || queued_bytes_ + bytes <= limit_bytes_;
    return segments_fit && bytes_fit;
  }
  void push(packet_run run);
  packet_run pop();
  bool empty() const { return runs_.empty(); }
  std::uint64_t high_segments() const { return high_segments_; }
  std::uint64_t high_bytes() const { return high_bytes_; }

 private:
  std::deque<packet_run> runs_;
  std::uint64_t limit_segments_, limit_bytes_;
  std::uint64_t queued_segments_ = 0, queued_bytes_ = 0;
  std::uint64_t high_segments_ = 0, high_bytes_ = 0;
};

}  // namespace linkemu
