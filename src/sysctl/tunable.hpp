// What bpftune may write to a tunable: how many values, and hard limits no policy can pass.
#pragma once

#include "sysctl/sysctl_value.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace bpftune {

enum class TunableScope {
    per_netns,  // each network namespace has its own value
    host,       // one value for the whole host, written in the host's namespace
};

struct ValueLimit {
    std::int64_t min = 0;
    std::int64_t max = std::numeric_limits<std::int32_t>::max();
};

struct TunableSpec {
    std::string name;           // "net.ipv4.tcp_rmem"
    std::string description;    // "TCP receive buffer sizes (min default max), bytes"
    TunableScope scope = TunableScope::per_netns;
    std::string value_names;    // "min default max" for multi-value sysctls, else empty
    std::vector<ValueLimit> limits;  // one per value; size() is the value count
    bool ordered = false;       // values must satisfy v0 <= v1 <= v2 (min <= default <= max)
};

// Why a value may not be written, or nothing when it may.
std::optional<std::string> violates_limits(const TunableSpec& spec, const SysctlValue& value);

}  // namespace bpftune
