// The rate limit of one direction: a token bucket kept as a "theoretical arrival time" (GCRA),
// so it needs only integer nanoseconds. A packet may leave while the bucket is not in deficit;
// leaving takes its bytes, possibly into deficit. That lets a 64 KiB aggregate pass a bucket
// smaller than itself while the long-run rate stays exact.
#pragma once

#include <cstdint>

namespace linkemu {

class token_bucket {
 public:
  // rate 0 means no limit.
  token_bucket(std::uint64_t rate_bits_per_s, std::uint64_t burst_bytes);

  bool limited() const { return rate_bits_per_s_ != 0; }
  // Earliest time a packet may leave.
  std::int64_t ready_at_ns() const { return theoretical_arrival_ns_ - burst_ns_; }
  void take(std::uint64_t bytes, std::int64_t now_ns);

 private:
  std::int64_t transmit_ns(std::uint64_t bytes) const;

  std::uint64_t rate_bits_per_s_;
  std::int64_t burst_ns_;
  std::int64_t theoretical_arrival_ns_ = INT64_MIN / 2;
};

}  // namespace linkemu
