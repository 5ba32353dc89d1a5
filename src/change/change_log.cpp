#include "change/change_log.hpp"

#include "log/log.hpp"

#include <map>
#include <tuple>

namespace bpftune {

std::string describe_change(const ChangeRecord& c)
{
    std::string names = c.value_names.empty() ? "" : " (" + c.value_names + ")";
    std::string text = c.tunable + names + " " + c.old_value.format() + " -> " +
                       c.new_value.format() + " in netns " + c.netns + ": " + c.reason;
    if (!c.evidence.empty())
        text += "; " + c.evidence;
    return text;
}

JournalFields journal_fields(const ChangeRecord& c)
{
    return {
        {"MESSAGE_ID", std::string(c.scenario.message_id)},
        {"BPFTUNE_TUNER", c.tuner},
        {"BPFTUNE_TUNABLE", c.tunable},
        {"BPFTUNE_NETNS", c.netns},
        {"BPFTUNE_NETNS_COOKIE", std::to_string(c.netns_cookie)},
        {"BPFTUNE_SCENARIO", std::string(c.scenario.name)},
        {"BPFTUNE_OLD", c.old_value.format()},
        {"BPFTUNE_NEW", c.new_value.format()},
        {"BPFTUNE_REASON", c.reason},
        {"BPFTUNE_EVIDENCE", c.evidence},
    };
}

void ChangeLog::record(const ChangeRecord& change)
{
    log(Severity::notice, describe_change(change), journal_fields(change));
    history_.push_back(change);
    if (on_change)
        on_change();
}

std::vector<ChangeGroup> group_by_tunable(const std::vector<ChangeRecord>& history)
{
    std::vector<ChangeGroup> groups;
    std::map<std::tuple<std::string, NetnsCookie>, std::size_t> index;
    for (const auto& change : history) {
        auto [it, added] = index.try_emplace({change.tunable, change.netns_cookie}, groups.size());
        if (added)
            groups.emplace_back();
        groups[it->second].push_back(&change);
    }
    return groups;
}

std::vector<std::string> ChangeLog::summary() const
{
    const auto groups = group_by_tunable(history_);
    if (groups.empty())
        return {"Summary: no changes were made."};
    std::vector<std::string> lines{"Summary of changes:"};
    for (const auto& changes : groups) {
        const ChangeRecord& first = *changes.front();
        const ChangeRecord& last = *changes.back();
        const auto count = changes.size();
        lines.push_back("  " + last.tunable + " in netns " + last.netns + ": changed " +
                        std::to_string(count) + (count == 1 ? " time" : " times") + ", " +
                        first.old_value.format() + " -> " + last.new_value.format() + " (" +
                        last.tuner + ": " + last.reason + ")");
        lines.push_back("    to replicate: " +
                        sysctl_command(last.netns_shell, last.tunable, last.new_value));
    }
    return lines;
}

}  // namespace bpftune
