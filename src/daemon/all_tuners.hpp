// Every tuner bpftune knows. Adding a tuner is a folder under tuners/ plus one line here.
#pragma once

#include "tuner/tuner.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bpftune {

struct TunerEntry {
    std::string_view name;
    TunerFactory make;
};

const std::vector<TunerEntry>& all_tuners();
// Their names, e.g. for the query client, which asks a tuner's view by its name.
std::vector<std::string> tuner_names();

}  // namespace bpftune
