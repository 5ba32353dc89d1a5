// Every tuner bpftune knows. Adding a tuner is a folder under tuners/ plus one line here.
#pragma once

#include "tuner/tuner.hpp"

#include <string_view>
#include <vector>

namespace bpftune {

struct TunerEntry {
    std::string_view name;
    TunerFactory make;
};

const std::vector<TunerEntry>& all_tuners();

}  // namespace bpftune
