#include "token_bucket.hpp"

#include <algorithm>

namespace linkemu {

token_bucket::token_bucket(std::uint64_t rate_bits_per_s, std::uint64_t burst_bytes)
    : rate_bits_per_s_(rate_bits_per_s), burst_ns_(rate_bits_per_s ? transmit_ns(burst_bytes) : 0) {}

std::int64_t token_bucket::transmit_ns(std::uint64_t bytes) const {
  // 128 bits: a large burst at a low rate overflows 64.
  unsigned __int128 bit_ns = static_cast<unsigned __int128>(bytes) * 8 * 1'000'000'000u;
  return static_cast<std::int64_t>(bit_ns / rate_bits_per_s_);
}

void token_bucket::take(std::uint64_t bytes, std::int64_t now_ns) {
  if (!limited()) return;
  theoretical_arrival_ns_ = std::max(theoretical_arrival_ns_, now_ns) + transmit_ns(bytes);
}

}  // namespace linkemu
