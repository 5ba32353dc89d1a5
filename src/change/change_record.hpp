// One applied change: what, where, from what to what, and why.
#pragma once

#include "change/scenario.hpp"
#include "netns/netns_registry.hpp"
#include "sysctl/sysctl_value.hpp"

#include <chrono>
#include <string>

namespace bpftune {

struct ChangeRecord {
    std::string tuner;
    std::string tunable;        // "net.ipv4.tcp_rmem"
    std::string value_names;    // "min default max" or empty
    NetnsCookie netns_cookie = 0;
    std::string netns;          // "host", a name, or a path
    std::string netns_shell;    // prefix that enters it: "ip netns exec test "
    Scenario scenario;
    SysctlValue old_value;
    SysctlValue new_value;
    std::string reason;         // why, in words
    std::string evidence;       // the numbers behind the reason
    std::chrono::system_clock::time_point when = std::chrono::system_clock::now();
};

// The one-line human message for a change (the journal's MESSAGE).
std::string describe_change(const ChangeRecord& change);

}  // namespace bpftune
