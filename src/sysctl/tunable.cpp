#include "sysctl/tunable.hpp"

namespace bpftune {

std::optional<std::string> violates_limits(const TunableSpec& spec, const SysctlValue& value)
{
    if (value.numbers.size() != spec.limits.size())
        return spec.name + " takes " + std::to_string(spec.limits.size()) + " values, not " +
               std::to_string(value.numbers.size());
    for (std::size_t i = 0; i < value.numbers.size(); ++i) {
        const auto v = value.numbers[i];
        const auto& limit = spec.limits[i];
        if (v < limit.min || v > limit.max)
            return spec.name + " value " + std::to_string(i + 1) + " = " + std::to_string(v) +
                   " is outside [" + std::to_string(limit.min) + ", " + std::to_string(limit.max) +
                   "]";
    }
    if (spec.ordered)
        for (std::size_t i = 1; i < value.numbers.size(); ++i)
            if (value.numbers[i - 1] > value.numbers[i])
                return spec.name + " values must not decrease (" + value.format() + ")";
    return std::nullopt;
}

}  // namespace bpftune
