// Replies built from what the daemon holds in memory: no reads of the kernel here, so each is
// a pure function of its inputs and unit-tested as such.
#pragma once

#include "change/change_record.hpp"
#include "control/tuner_roster.hpp"
#include "sysctl/sysctl_value.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace bpftune {

// A sysctl value as JSON: [4096, 131072, 6291456], 300 as [300], or "cubic".
boost::json::value value_json(const SysctlValue& value);
// "2024-05-01T12:00:00Z"
std::string utc_time(std::chrono::system_clock::time_point when);

boost::json::object tuner_json(const TunerInfo& info);

// The requests, then the view of each running tuner that has one.
boost::json::value help_reply(const TunerRoster& roster);
boost::json::value tuners_reply(const TunerRoster& roster);
boost::json::value tunables_reply(const TunerRoster& roster);

// Per sysctl and namespace, in first-change order: totals and the latest history entries.
constexpr std::size_t summary_history_entries = 20;
boost::json::value summary_reply(const std::vector<ChangeRecord>& history);

}  // namespace bpftune
