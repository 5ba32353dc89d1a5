// After start-up the daemon gives up every capability it does not use while running.
#pragma once

#include "core/error.hpp"

#include <sys/capability.h>

#include <span>

namespace bpftune {

struct KeptCapability {
    cap_value_t capability;
    const char* why;
};

// The capabilities the running daemon keeps, each with the reason it is needed.
std::span<const KeptCapability> kept_capabilities();

// Keeps only kept_capabilities() (those of them the process has) in the permitted and
// effective sets, clears the inheritable and ambient sets, and, when CAP_SETPCAP allows it,
// shrinks the bounding set to match. Call once every tuner has attached: loading and
// attaching BPF programs needs more (CAP_BPF, CAP_PERFMON) than running them.
// Capabilities belong to a thread, so this refuses to run in a process with several threads.
Result<void> drop_unneeded_capabilities();

}  // namespace bpftune
