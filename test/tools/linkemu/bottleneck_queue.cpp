#include "bottleneck_queue.hpp"

#include <algorithm>

namespace linkemu {

void bottleneck_queue::push(packet_run run) {
  queued_segments_ += run.segments;
  queued_bytes_ += run.wire_bytes;
  high_segments_ = std::max(high_segments_, queued_segments_);
  high_bytes_ = std::max(high_bytes_, queued_bytes_);
  runs_.push_back(std::move(run));
}

packet_run bottleneck_queue::pop() {
  packet_run run = std::move(runs_.front());
  runs_.pop_front();
  queued_segments_ -= run.segments;
  queued_bytes_ -= run.wire_bytes;
  return run;
}

}  // namespace linkemu
