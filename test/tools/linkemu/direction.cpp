#include "direction.hpp"

#include <algorithm>
#include <functional>

namespace linkemu {
namespace {

constexpr std::int64_t ns_per_us = 1000;

// Enough for two full-size packets, or a millisecond at the configured rate.
std::uint64_t automatic_burst_bytes(const impairment& config, unsigned mtu_bytes) {
  return std::max<std::uint64_t>(2ull * mtu_bytes, config.rate_bits_per_s / 8 / 1000);
}

}  // namespace

direction::direction(const impairment& config, std::uint64_t seed, std::uint64_t stream, unsigned mtu_bytes)
    : config_(config),
      chance_(seed, stream),
      bucket_(config.rate_bits_per_s,
              config.burst_bytes ? config.burst_bytes : automatic_burst_bytes(config, mtu_bytes)),
      queue_(config.queue_packets, config.queue_bytes) {}

bool direction::passes_whole(const frame_layout& layout) const {
  bool random_fates = config_.loss_percent > 0 || config_.reorder_percent > 0;
  return !random_fates && queue_.has_room(layout.segments, layout.wire_bytes);
}

std::vector<direction::fate> direction::decide_segments(const frame_layout& layout) {
  std::vector<fate> fates(layout.segments);
  std::uint64_t admitted_segments = 0, admitted_bytes = 0;
  for (std::uint32_t i = 0; i < layout.segments; ++i) {
    std::uint64_t bytes = layout.segment_wire_bytes(i);
    if (chance_.happens(config_.loss_percent)) {
      fates[i] = fate::lost;
    } else if (!queue_.has_room(admitted_segments + 1, admitted_bytes + bytes)) {
      fates[i] = fate::queue_full;
    } else {
      ++admitted_segments;
      admitted_bytes += bytes;
      fates[i] = chance_.happens(config_.reorder_percent) ? fate::reorder : fate::pass;
    }
  }
  return fates;
}

void direction::settle_run(fate run_fate, packet_run run) {
  switch (run_fate) {
    case fate::lost:
      stats_.lost_segments += run.segments;
      stats_.lost_bytes += run.wire_bytes;
      return;
    case fate::queue_full:
      stats_.queue_drop_segments += run.segments;
      stats_.queue_drop_bytes += run.wire_bytes;
      return;
    case fate::reorder:
      stats_.reordered_segments += run.segments;
      run.reordered = true;
      break;
    case fate::pass:
      break;
  }
  queue_.push(std::move(run));
}

void direction::arrive(frame data, std::int64_t now_ns) {
  service(now_ns, nullptr);  // the queue may have room again since the last look
  frame_layout layout = inspect_frame(data);
  stats_.rx_frames += 1;
  stats_.rx_segments += layout.segments;
  stats_.rx_bytes += layout.wire_bytes;
  if (passes_whole(layout)) {
    queue_.push(packet_run{std::move(data), layout.segments, layout.wire_bytes, false, now_ns});
    return;
  }
  settle_segments(std::move(data), layout, decide_segments(layout), now_ns);
}

void direction::settle_segments(frame data, const frame_layout& layout, const std::vector<fate>& fates,
                                std::int64_t now_ns) {
  if (std::adjacent_find(fates.begin(), fates.end(), std::not_equal_to<>()) != fates.end())
    stats_.split_frames += 1;
  // Consecutive segments with the same fate travel together as one (smaller) aggregate.
  for (std::uint32_t first = 0, end = 0; first < layout.segments; first = end) {
    end = first + 1;
    while (end < layout.segments && fates[end] == fates[first]) ++end;
    packet_run run;
    run.arrival_ns = now_ns;
    run.segments = end - first;
    for (std::uint32_t i = first; i < end; ++i) run.wire_bytes += layout.segment_wire_bytes(i);
    bool whole = first == 0 && end == layout.segments;
    run.data = whole ? std::move(data) : cut_segments(data, layout, first, end);
    settle_run(fates[first], std::move(run));
  }
}

std::int64_t direction::release_ns(std::int64_t departure_ns, bool reordered) {
  std::int64_t on_wire_ns = static_cast<std::int64_t>(config_.delay_us) * ns_per_us +
                            chance_.symmetric(static_cast<std::int64_t>(config_.jitter_us) * ns_per_us);
  std::int64_t release = departure_ns + std::max<std::int64_t>(on_wire_ns, 0);
  if (reordered) return release + static_cast<std::int64_t>(config_.reorder_delay_us) * ns_per_us;
  // Jitter alone must not reorder: a packet never overtakes the one sent before it.
  release = std::max(release, last_in_order_release_ns_);
  last_in_order_release_ns_ = release;
  return release;
}

void direction::service(std::int64_t now_ns, const transmit_fn& transmit) {
  while (!queue_.empty() && bucket_.ready_at_ns() <= now_ns) {
    packet_run run = queue_.pop();
    // Departure in the link's own time, not when this loop got the CPU: a late wake-up must
    // cost neither rate nor delay.
    std::int64_t departure_ns = std::max(bucket_.ready_at_ns(), run.arrival_ns);
    bucket_.take(run.wire_bytes, departure_ns);
    std::int64_t release = release_ns(departure_ns, run.reordered);
    wire_.push(release, std::move(run));
  }
  while (transmit && wire_.due(now_ns)) {
    packet_run run = wire_.pop();
    if (!transmit(run.data)) {
      stats_.write_error_frames += 1;
      continue;
    }
    stats_.tx_frames += 1;
    stats_.tx_segments += run.segments;
    stats_.tx_bytes += run.wire_bytes;
  }
}

std::optional<std::int64_t> direction::next_wake_ns() const {
  std::optional<std::int64_t> wake = wire_.next_release_ns();
  if (!queue_.empty()) wake = std::min(wake.value_or(INT64_MAX), bucket_.ready_at_ns());
  return wake;
}

direction_stats direction::stats() const {
  direction_stats copy = stats_;
  copy.queue_high_segments = queue_.high_segments();
  copy.queue_high_bytes = queue_.high_bytes();
  return copy;
}

}  // namespace linkemu
