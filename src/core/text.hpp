// Small text helpers shared by tuners and the daemon.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bpftune {

// "a, b, c"
inline std::string join(const std::vector<std::string>& words, std::string_view separator = ", ")
{
    std::string text;
    for (const auto& word : words) {
        if (!text.empty())
            text += separator;
        text += word;
    }
    return text;
}

}  // namespace bpftune
