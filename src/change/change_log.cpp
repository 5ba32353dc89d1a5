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

std::vector<std::string> ChangeLog::summary() const
{
    struct Totals {
        const ChangeRecord* first = nullptr;
        const ChangeRecord* last = nullptr;
        int count = 0;
    };
    // Keyed by (tunable, cookie); std::map keeps the summary in a stable order.
    std::map<std::tuple<std::string, NetnsCookie>, Totals> totals;
    for (const auto& change : history_) {
        auto& t = totals[{change.tunable, change.netns_cookie}];
        if (!t.first)
            t.first = &change;
        t.last = &change;
        ++t.count;
    }
    std::vector<std::string> lines;
    if (totals.empty()) {
        lines.push_back("Summary: no changes were made.");
        return lines;
    }
    lines.push_back("Summary of changes:");
    for (const auto& [key, t] : totals) {
        lines.push_back("  " + t.last->tunable + " in netns " + t.last->netns + ": changed " +
                        std::to_string(t.count) + (t.count == 1 ? " time" : " times") + ", " +
                        t.first->old_value.format() + " -> " + t.last->new_value.format() +
                        " (" + t.last->tuner + ": " + t.last->reason + ")");
        lines.push_back("    to replicate: " + t.last->netns_shell + "sysctl -w " +
                        t.last->tunable + "=\"" + t.last->new_value.format() + "\"");
    }
    return lines;
}

}  // namespace bpftune
