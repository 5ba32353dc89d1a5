// Packets on the wire, each with the time it reaches the far end; released in time order
// (ties in arrival order). A heap, because jitter and reordering make release times non-monotonic.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "packet_run.hpp"

namespace linkemu {

class delay_line {
 public:
  void push(std::int64_t release_ns, packet_run run);
  bool due(std::int64_t now_ns) const { return !heap_.empty() && heap_.front().release_ns <= now_ns; }
  packet_run pop();
  std::optional<std::int64_t> next_release_ns() const;

 private:
  struct entry {
    std::int64_t release_ns;
    std::uint64_t sequence;
    packet_run run;
  };
  static bool later(const entry& a, const entry& b) {
    return a.release_ns != b.release_ns ? a.release_ns > b.release_ns : a.sequence > b.sequence;
  }
  std::vector<entry> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace linkemu
