// Parsing of human-written quantities on the command line: durations, rates, sizes, percents.
// Pure functions; each returns nullopt when the text is not a valid quantity.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace linkemu {

// "25ms", "1.5s", "500us", "0" -> microseconds. A bare non-zero number is refused: ms or us?
std::optional<std::uint64_t> parse_duration_us(std::string_view text);

// "500mbit", "1gbit", "64kbit", "1000000" (bits/s), "0" (no limit); SI prefixes (1000).
std::optional<std::uint64_t> parse_rate_bits_per_s(std::string_view text);

// "1500", "64k", "4m" -> bytes; k and m are binary (1024), as in tc.
std::optional<std::uint64_t> parse_size_bytes(std::string_view text);

// "1", "0.5", "2%" -> percent in [0, 100].
std::optional<double> parse_percent(std::string_view text);

}  // namespace linkemu
