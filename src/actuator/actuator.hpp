// The only writer of tunables. Every write is checked against hard limits, skipped when it
// would change nothing, read back, and recorded. A write the kernel refuses is reported once
// and the tunable is held where it is in that namespace: no retries.
#pragma once

#include "change/change_log.hpp"
#include "netns/netns_registry.hpp"
#include "sysctl/sysctl_io.hpp"
#include "sysctl/tunable.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace bpftune {

struct ChangeRequest {
    std::string tuner;
    const TunableSpec* tunable = nullptr;
    NetnsCookie netns_cookie = 0;   // ignored for host-scoped tunables
    SysctlValue new_value;
    Scenario scenario;
    std::string reason;
    std::string evidence;
};

enum class WriteStatus {
    applied,      // written and read back
    unchanged,    // already had that value
    refused,      // the kernel refused it just now; the tunable is held from now on
    held,         // refused earlier in this namespace; not tried again
    admin_owned,  // an administrator set it; bpftune leaves it alone
    invalid,      // outside the hard limits; never written
    netns_gone,   // the namespace no longer exists
};

struct WriteOutcome {
    WriteStatus status;
    SysctlValue old_value;
};

class Actuator {
public:
    Actuator(NetnsRegistry& netns, ChangeLog& changes, SysctlFiles files = SysctlFiles{})
        : netns_(netns), changes_(changes), files_(std::move(files)),
          gone_(netns.when_gone([this](NetnsCookie cookie) { forget_netns(cookie); }))
    {
    }

    // The live value in a namespace (host-scoped tunables: the host's).
    Result<SysctlValue> read(NetnsCookie cookie, const TunableSpec& tunable);
    WriteOutcome apply(const ChangeRequest& request);

    // An administrator wrote the tunable in that namespace: never write it there again.
    void hand_to_admin(NetnsCookie cookie, const std::string& tunable);
    bool owned_by_admin(NetnsCookie cookie, const std::string& tunable) const;
    // An administrator owns the tunable there, or the kernel refused a write of it: bpftune
    // will not write it again in that namespace.
    bool leaves_alone(NetnsCookie cookie, const TunableSpec& tunable) const;
    // Calls fn(cookie, tunable) each time an administrator takes a tunable, while the returned
    // handle lives: for tuners that act on a tunable's behalf without writing it.
    using AdminListener = std::shared_ptr<std::function<void(NetnsCookie, const std::string&)>>;
    [[nodiscard]] AdminListener when_admin_takes(
        std::function<void(NetnsCookie, const std::string&)> fn);

    // Writes back every original value bpftune changed (not those an admin took over).
    void restore_originals();

    NetnsRegistry& netns() { return netns_; }

    // For queries: admin-owned and held tunables.
    using NetnsTunable = std::pair<NetnsCookie, std::string>;
    const std::set<NetnsTunable>& admin_owned() const { return admin_owned_; }
    const std::map<NetnsTunable, SysctlValue>& held() const { return held_; }

    using Key = std::pair<NetnsCookie, std::string>;
    // The value each tunable had before bpftune first changed it, per namespace.
    const std::map<Key, SysctlValue>& originals() const { return originals_; }
    // An original read by an earlier bpftune of this boot (from the rollback state).
    void adopt_original(NetnsCookie cookie, const std::string& tunable, SysctlValue value)
    {
        originals_.emplace(Key{cookie, tunable}, std::move(value));
    }

private:
    NetnsCookie effective_cookie(NetnsCookie cookie, const TunableSpec& tunable) const;
    Result<SysctlValue> read_in(NetnsCookie cookie, const std::string& name);
    Result<void> write_in(NetnsCookie cookie, const std::string& name, const SysctlValue& value);

    // A deleted namespace: nothing to restore, hold or leave to an admin there any more.
    void forget_netns(NetnsCookie cookie);

    NetnsRegistry& netns_;
    ChangeLog& changes_;
    SysctlFiles files_;
    std::map<Key, SysctlValue> originals_;
    std::map<Key, SysctlValue> held_;
    std::set<Key> admin_owned_;
    std::set<Key> invalid_reported_;
    std::vector<std::weak_ptr<AdminListener::element_type>> admin_listeners_;
    NetnsRegistry::GoneListener gone_;  // last: unsubscribes before the maps go
};

}  // namespace bpftune
