#include "control/live_replies.hpp"

#include "control/query_replies.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cerrno>
#include <map>
#include <set>

namespace bpftune {
namespace {

namespace json = boost::json;
using NetnsTunable = Actuator::NetnsTunable;

// The spec to read a sysctl with; one no tuner lists (a helper sysctl) is read per netns.
TunableSpec spec_for(const TunerRoster& roster, const std::string& sysctl)
{
    const auto [tuner, spec] = roster.find_tunable(sysctl);
    if (spec)
        return *spec;
    TunableSpec unlisted;
    unlisted.name = sysctl;
    return unlisted;
}

std::string tuner_of(const LiveSources& sources, const NetnsTunable& key)
{
    if (const auto [tuner, spec] = sources.roster.find_tunable(key.second); tuner)
        return tuner->name;
    for (const auto& change : sources.changes.history())
        if (change.tunable == key.second)
            return change.tuner;
    return "";
}

NetnsCookie key_cookie(const NetnsTunable& key)
{
    return key.first;
}

NetnsCookie key_cookie(const std::pair<const NetnsTunable, SysctlValue>& entry)
{
    return entry.first.first;
}

// Reads the live value into row["current"], or null and a note saying why not.
void put_current(const LiveSources& sources, const NetnsTunable& key, json::object& row)
{
    auto current = sources.actuator.read(key.first, spec_for(sources.roster, key.second));
    if (current) {
        row["current"] = value_json(*current);
        return;
    }
    row["current"] = nullptr;
    row["note"] = netns_gone(current.error()) ? "the namespace no longer exists"
                                                  : current.error().message();
}

std::set<NetnsTunable> status_keys(const LiveSources& sources)
{
    const Actuator& actuator = sources.actuator;
    std::set<NetnsTunable> keys(actuator.admin_owned().begin(), actuator.admin_owned().end());
    for (const auto& [key, value] : actuator.originals())
        keys.insert(key);
    for (const auto& [key, value] : actuator.held())
        keys.insert(key);
    const NetnsCookie host = sources.actuator.netns().host_cookie();
    for (const auto& info : sources.roster.tuners()) {
        if (info.state != TunerState::active)
            continue;
        for (const auto& spec : info.tunables) {
            keys.insert({host, spec.name});
            if (spec.scope == TunableScope::per_netns)
                for (NetnsCookie cookie : sources.watched)
                    keys.insert({cookie, spec.name});
        }
    }
    return keys;
}

std::map<NetnsTunable, std::size_t> change_counts(const ChangeLog& changes)
{
    std::map<NetnsTunable, std::size_t> counts;
    for (const auto& group : group_by_tunable(changes.history()))
        counts[{group.front()->netns_cookie, group.front()->tunable}] = group.size();
    return counts;
}

json::value original_json(const Actuator& actuator, const NetnsTunable& key)
{
    auto it = actuator.originals().find(key);
    return it == actuator.originals().end() ? json::value(nullptr) : value_json(it->second);
}

// Names first: a read that finds a namespace gone makes the registry forget its name.
using NetnsNames = std::map<NetnsCookie, std::string>;
template <class Keys>
NetnsNames netns_names(const LiveSources& sources, const Keys& keys)
{
    NetnsNames names;
    for (const auto& key : keys)
        if (!names.contains(key_cookie(key)))
            names[key_cookie(key)] = sources.actuator.netns().describe(key_cookie(key));
    return names;
}

json::object status_row(const LiveSources& sources, const NetnsTunable& key, std::size_t changes,
                        const std::string& netns)
{
    Actuator& actuator = sources.actuator;
    json::object row{{"tuner", tuner_of(sources, key)},
                     {"sysctl", key.second},
                     {"netns", netns},
                     {"netns_cookie", key.first},
                     {"original", original_json(actuator, key)},
                     {"changes", changes},
                     {"owner", actuator.admin_owned().contains(key) ? "admin" : "daemon"},
                     {"held", actuator.held().contains(key)}};
    put_current(sources, key, row);
    return row;
}

json::object rollback_entry(const LiveSources& sources, const NetnsTunable& key,
                            const SysctlValue& original, const std::string& netns)
{
    Actuator& actuator = sources.actuator;
    json::object entry{{"tuner", tuner_of(sources, key)},
                       {"sysctl", key.second},
                       {"netns", netns},
                       {"netns_cookie", key.first},
                       {"original", value_json(original)}};
    put_current(sources, key, entry);
    if (entry["current"].is_null()) {
        entry["command"] = nullptr;
        entry["run"] = false;
        return entry;
    }
    entry["command"] = sysctl_command(actuator.netns().shell_prefix(key.first), key.second, original);
    const bool admin = actuator.admin_owned().contains(key);
    entry["run"] = !admin;
    if (admin)
        entry["note"] = "an administrator has set it since; this would undo their change";
    return entry;
}

}  // namespace

json::value status_reply(const LiveSources& sources)
{
    json::array tuners;
    for (const auto& info : sources.roster.tuners())
        tuners.push_back(tuner_json(info));
    const auto counts = change_counts(sources.changes);
    const auto keys = status_keys(sources);
    const auto names = netns_names(sources, keys);
    json::array rows;
    for (const auto& key : keys) {
        auto count = counts.find(key);
        rows.push_back(status_row(sources, key, count == counts.end() ? 0 : count->second,
                                  names.at(key.first)));
    }
    return json::object{{"tuners", std::move(tuners)}, {"tunables", std::move(rows)}};
}

json::value view_reply(const LiveSources& sources, std::string_view tuner)
{
    const auto& tuners = sources.roster.tuners();
    auto info = std::ranges::find(tuners, tuner, &TunerInfo::name);
    if (info == tuners.end() || !info->running)
        return json::object{{"tuner", tuner}, {"error", "the tuner is not running"}};
    const TunerView view = info->running->view();
    json::array columns(view.columns.begin(), view.columns.end());
    json::array rows;
    for (const auto& row : view.rows)
        rows.push_back(json::array(row.begin(), row.end()));
    return json::object{{"tuner", tuner},
                        {"description", info->running->view_description()},
                        {"columns", std::move(columns)},
                        {"rows", std::move(rows)},
                        {"details", view.details},
                        {"note", view.note}};
}

json::value rollback_reply(const LiveSources& sources)
{
    const auto& originals = sources.actuator.originals();
    const auto names = netns_names(sources, originals);
    json::array entries;
    for (const auto& [key, original] : originals)
        entries.push_back(rollback_entry(sources, key, original, names.at(key.first)));
    return json::object{{"rollback", std::move(entries)}};
}

}  // namespace bpftune
