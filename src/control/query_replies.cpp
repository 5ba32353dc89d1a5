#include "control/query_replies.hpp"

#include "control/query_protocol.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <ctime>
#include <map>
#include <utility>

namespace bpftune {
namespace {

namespace json = boost::json;

json::array limits_json(const TunableSpec& spec)
{
    json::array limits;
    for (const auto& limit : spec.limits)
        limits.push_back(json::object{{"min", limit.min}, {"max", limit.max}});
    return limits;
}

json::object tunable_json(const TunerInfo& info, const TunableSpec& spec)
{
    return {{"tuner", info.name},
            {"sysctl", spec.name},
            {"values", spec.limits.size()},
            {"value_names", spec.value_names},
            {"limits", limits_json(spec)},
            {"ordered", spec.ordered},
            {"scope", spec.scope == TunableScope::host ? "host" : "per_netns"},
            {"description", spec.description}};
}

json::object history_entry_json(const ChangeRecord& change)
{
    return {{"time", utc_time(change.when)},
            {"scenario", change.scenario.name},
            {"old", value_json(change.old_value)},
            {"new", value_json(change.new_value)},
            {"reason", change.reason},
            {"evidence", change.evidence}};
}

// One summary entry from the changes of one sysctl in one namespace, oldest first.
json::object summary_entry_json(const std::vector<const ChangeRecord*>& changes)
{
    const ChangeRecord& first = *changes.front();
    const ChangeRecord& last = *changes.back();
    const std::size_t shown = std::min(changes.size(), summary_history_entries);
    json::array history;
    for (std::size_t i = changes.size() - shown; i < changes.size(); ++i)
        history.push_back(history_entry_json(*changes[i]));
    return {{"tuner", last.tuner},
            {"sysctl", last.tunable},
            {"netns", last.netns},
            {"netns_cookie", last.netns_cookie},
            {"changes", changes.size()},
            {"from", value_json(first.old_value)},
            {"to", value_json(last.new_value)},
            {"last_reason", last.reason},
            {"replicate", sysctl_command(last.netns_shell, last.tunable, last.new_value)},
            {"history", std::move(history)},
            {"history_omitted", changes.size() - shown}};
}

}  // namespace

json::object tuner_json(const TunerInfo& info)
{
    json::array statistics;
    if (info.running)
        for (const auto& line : info.running->statistics())
            statistics.push_back(json::string(line));
    return {{"name", info.name},
            {"state", state_name(info.state)},
            {"reason", info.reason},
            {"description", info.description},
            {"statistics", std::move(statistics)}};
}

json::value value_json(const SysctlValue& value)
{
    if (value.is_text())
        return json::string(value.text);
    json::array numbers;
    for (auto number : value.numbers)
        numbers.push_back(number);
    return numbers;
}

std::string utc_time(std::chrono::system_clock::time_point when)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(text, length);
}

json::value help_reply(const TunerRoster& roster)
{
    json::array requests;
    for (const auto& info : request_catalog())
        requests.push_back(json::object{{"name", info.name}, {"description", info.description}});
    for (const auto& info : roster.tuners())
        if (info.running && !info.running->view_description().empty())
            requests.push_back(json::object{{"name", info.name},
                                            {"description", info.running->view_description()}});
    return json::object{{"requests", std::move(requests)}};
}

json::value tuners_reply(const TunerRoster& roster)
{
    json::array tuners;
    for (const auto& info : roster.tuners())
        tuners.push_back(tuner_json(info));
    return json::object{{"tuners", std::move(tuners)}};
}

json::value tunables_reply(const TunerRoster& roster)
{
    json::array tunables;
    for (const auto& info : roster.tuners())
        for (const auto& spec : info.tunables)
            tunables.push_back(tunable_json(info, spec));
    return json::object{{"tunables", std::move(tunables)}};
}

json::value summary_reply(const std::vector<ChangeRecord>& history)
{
    json::array entries;
    for (const auto& changes : group_by_tunable(history))
        entries.push_back(summary_entry_json(changes));
    return json::object{{"changes", std::move(entries)}, {"total_changes", history.size()}};
}

}  // namespace bpftune
