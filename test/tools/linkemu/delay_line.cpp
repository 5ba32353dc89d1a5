#include "delay_line.hpp"

#include <algorithm>

namespace linkemu {

void delay_line::push(std::int64_t release_ns, packet_run run) {
  heap_.push_back(entry{release_ns, next_sequence_++, std::move(run)});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

packet_run delay_line::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  packet_run run = std::move(heap_.back().run);
  heap_.pop_back();
  return run;
}

std::optional<std::int64_t> delay_line::next_release_ns() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().release_ns;
}

}  // namespace linkemu
