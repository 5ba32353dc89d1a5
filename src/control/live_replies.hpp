// Replies that read the kernel now: status (live values) and rollback (the commands that
// restore the originals, checked against the namespaces that still exist).
#pragma once

#include "actuator/actuator.hpp"
#include "change/change_log.hpp"
#include "control/tuner_roster.hpp"

#include <boost/json/value.hpp>

#include <set>

namespace bpftune {

struct LiveSources {
    const TunerRoster& roster;
    Actuator& actuator;
    const ChangeLog& changes;
    std::set<NetnsCookie> watched = {};  // the namespaces --netns named; status shows them all
};

// Tuner states, then one row per sysctl and namespace that bpftune changed, that an admin
// took over, that the kernel refused, and every active tuner's sysctls in the host and in
// each watched namespace.
boost::json::value status_reply(const LiveSources& sources);

// One entry per original value bpftune recorded.
boost::json::value rollback_reply(const LiveSources& sources);

// A running tuner's own view, read now: {"tuner", "description", "columns", "rows",
// "details", "note"}.
boost::json::value view_reply(const LiveSources& sources, std::string_view tuner);

}  // namespace bpftune
