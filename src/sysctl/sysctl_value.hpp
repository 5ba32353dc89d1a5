// A sysctl's value as the kernel prints it: one or more integers, or a string.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bpftune {

struct SysctlValue {
    std::vector<std::int64_t> numbers;  // empty for string sysctls
    std::string text;                    // set only for string sysctls

    static SysctlValue of(std::vector<std::int64_t> numbers) { return {std::move(numbers), {}}; }
    static SysctlValue of_text(std::string text) { return {{}, std::move(text)}; }

    bool is_text() const { return numbers.empty(); }
    // "4096 131072 6291456" or the string itself: the form sysctl(8) prints and accepts.
    std::string format() const;

    friend bool operator==(const SysctlValue&, const SysctlValue&) = default;
};

inline std::ostream& operator<<(std::ostream& out, const SysctlValue& value)
{
    return out << value.format();
}

// Parses what /proc/sys returns. Whitespace (tabs, newline) separates integers; anything that
// is not a list of integers is kept as text.
SysctlValue parse_sysctl_value(std::string_view text);

// "net.ipv4.tcp_rmem" <-> "net/ipv4/tcp_rmem" (relative to /proc/sys).
std::string sysctl_relative_path(std::string_view name);
std::string sysctl_name_from_path(std::string_view relative_path);

// `PREFIXsysctl -w NAME="VALUE"`: a line a shell runs; the prefix enters a namespace.
std::string sysctl_command(std::string_view shell_prefix, std::string_view name,
                           const SysctlValue& value);

}  // namespace bpftune
