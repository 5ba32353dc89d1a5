// The command line: what the user asked bpftune to do.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bpftune {

enum class Action { run, support, query, version, help, restore };

struct Options {
    Action action = Action::run;
    bool to_stderr = false;
    bool debug = false;
    bool rollback = false;            // -R: restore original values on exit
    bool json = false;                // query replies as JSON
    int learning_rate = 4;            // 0..4
    std::vector<std::string> allow;   // tuner names; empty means all
    std::vector<std::string> netns;   // names under /run/netns or paths; empty means all
    std::string query;                // with Action::query
    std::string help_text;            // with Action::help
};

// A usage error is one line for the user (exit status 2).
Result<Options> parse_options(int argc, const char* const argv[]);

}  // namespace bpftune
