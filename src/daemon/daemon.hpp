// The composition root: builds every part, wires them to one io_context, runs until a signal.
#pragma once

#include "cli/options.hpp"

namespace bpftune {

// Exit status: 0 after a clean stop, 1 when nothing could start, 2 for a bad --netns/--allow.
int run_daemon(const Options& options);

}  // namespace bpftune
