// The random decisions of one direction, from a seeded generator whose output the C++ standard
// fixes (mt19937_64), and without std:: distributions (whose output it does not), so a seed
// gives the same decisions with any standard library.
#pragma once

#include <cstdint>
#include <random>

namespace linkemu {

class chance {
 public:
  chance(std::uint64_t seed, std::uint64_t stream) {
    std::seed_seq sequence{seed & 0xffffffff, seed >> 32, stream};
    generator_.seed(sequence);
  }

  // True with the given probability in percent; draws nothing when it cannot happen.
  bool happens(double percent) {
    if (percent <= 0) return false;
    double unit = static_cast<double>(generator_() >> 11) * 0x1.0p-53;  // [0, 1)
    return unit * 100 < percent;
  }

  // Uniform in [-spread, +spread]; the modulo bias is below 1e-12 for any delay we use.
  std::int64_t symmetric(std::int64_t spread) {
    if (spread <= 0) return 0;
    auto width = static_cast<std::uint64_t>(2 * spread + 1);
    return static_cast<std::int64_t>(generator_() % width) - spread;
  }

 private:
  std::mt19937_64 generator_;
};

}  // namespace linkemu
