#include "units.hpp"

#include <charconv>
#include <cctype>
#include <cmath>
#include <string>

namespace linkemu {
namespace {

struct number_and_suffix {
  double number;
  std::string suffix;  // lower case
};

std::optional<number_and_suffix> split_number(std::string_view text) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end == text.data() || !std::isfinite(number) || number < 0)
    return std::nullopt;
  std::string suffix(end, text.data() + text.size());
  for (auto& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return number_and_suffix{number, suffix};
}

std::optional<std::uint64_t> scaled(double number, double scale) {
  double value = std::round(number * scale);
  if (value > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(value);
}

}  // namespace

std::optional<std::uint64_t> parse_duration_us(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  if (parsed->suffix.empty()) return parsed->number == 0 ? std::optional<std::uint64_t>(0) : std::nullopt;
  if (parsed->suffix == "us") return scaled(parsed->number, 1);
  if (parsed->suffix == "ms") return scaled(parsed->number, 1e3);
  if (parsed->suffix == "s") return scaled(parsed->number, 1e6);
  return std::nullopt;
}

std::optional<std::uint64_t> parse_rate_bits_per_s(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  const auto& suffix = parsed->suffix;
  if (suffix.empty() || suffix == "bit") return scaled(parsed->number, 1);
  if (suffix == "kbit") return scaled(parsed->number, 1e3);
  if (suffix == "mbit") return scaled(parsed->number, 1e6);
  if (suffix == "gbit") return scaled(parsed->number, 1e9);
  return std::nullopt;  // "mbps" is refused on purpose: tc reads it as bytes, people as bits
}

std::optional<std::uint64_t> parse_size_bytes(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  const auto& suffix = parsed->suffix;
  if (suffix.empty() || suffix == "b") return scaled(parsed->number, 1);
  if (suffix == "k" || suffix == "kb") return scaled(parsed->number, 1024);
  if (suffix == "m" || suffix == "mb") return scaled(parsed->number, 1024.0 * 1024);
  return std::nullopt;
}

std::optional<double> parse_percent(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed || !(parsed->suffix.empty() || parsed->suffix == "%")) return std::nullopt;
  if (parsed->number > 100) return std::nullopt;
  return parsed->number;
}

}  // namespace linkemu
