#include "sysctl/sysctl_value.hpp"

#include <algorithm>
#include <charconv>

namespace bpftune {

std::string SysctlValue::format() const
{
    if (is_text())
        return text;
    std::string out;
    for (auto n : numbers) {
        if (!out.empty())
            out += ' ';
        out += std::to_string(n);
    }
    return out;
}

SysctlValue parse_sysctl_value(std::string_view text)
{
    std::vector<std::int64_t> numbers;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
    while (p < end) {
        while (p < end && is_space(*p))
            ++p;
        if (p == end)
            break;
        std::int64_t n = 0;
        auto [next, ec] = std::from_chars(p, end, n);
        if (ec != std::errc() || (next < end && !is_space(*next))) {
            auto last = text.find_last_not_of(" \t\n");
            return SysctlValue::of_text(std::string(text.substr(0, last + 1)));
        }
        numbers.push_back(n);
        p = next;
    }
    if (numbers.empty())
        return SysctlValue::of_text({});
    return SysctlValue::of(std::move(numbers));
}

namespace {
std::string replaced(std::string_view text, char from, char to)
{
    std::string out(text);
    std::ranges::replace(out, from, to);
    return out;
}
}  // namespace

std::string sysctl_relative_path(std::string_view name)
{
    return replaced(name, '.', '/');
}

std::string sysctl_name_from_path(std::string_view relative_path)
{
    return replaced(relative_path, '/', '.');
}

std::string sysctl_command(std::string_view shell_prefix, std::string_view name,
                           const SysctlValue& value)
{
    return std::string(shell_prefix) + "sysctl -w " + std::string(name) + "=\"" +
           value.format() + "\"";
}

}  // namespace bpftune
