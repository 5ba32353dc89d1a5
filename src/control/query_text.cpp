#include "control/query_text.hpp"

#include "control/text_table.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace bpftune {
namespace {

namespace json = boost::json;

std::string field(const json::value& object, std::string_view name)
{
    const json::value* member = object.as_object().if_contains(name);
    return member ? json_text(*member) : "";
}

const json::array& list(const json::value& reply, std::string_view name)
{
    return reply.as_object().at(name).as_array();
}

std::string help_text(const json::value& reply)
{
    TextTable table({"REQUEST", "DESCRIPTION"});
    for (const auto& request : list(reply, "requests"))
        table.add({field(request, "name"), field(request, "description")});
    return table.render();
}

std::string tuners_text(const json::value& reply)
{
    TextTable table({"TUNER", "STATE", "DETAIL"});
    for (const auto& tuner : list(reply, "tuners")) {
        const std::string reason = field(tuner, "reason");
        table.add({field(tuner, "name"), field(tuner, "state"),
                   reason.empty() ? field(tuner, "description") : reason});
    }
    return table.render();
}

// "1..2147483647 each, ordered" or "0..10 5..20".
std::string limits_text(const json::value& tunable)
{
    const json::array& limits = tunable.as_object().at("limits").as_array();
    std::vector<std::string> ranges;
    for (const auto& limit : limits)
        ranges.push_back(field(limit, "min") + ".." + field(limit, "max"));
    const bool uniform = ranges.size() > 1 && std::ranges::count(ranges, ranges[0]) ==
                                                  static_cast<std::ptrdiff_t>(ranges.size());
    std::string text = uniform ? ranges[0] + " each" : "";
    for (std::size_t i = 0; !uniform && i < ranges.size(); ++i)
        text += (i ? " " : "") + ranges[i];
    if (tunable.as_object().at("ordered").as_bool())
        text += ", ordered";
    return text;
}

std::string tunables_text(const json::value& reply)
{
    TextTable table({"TUNER", "SYSCTL", "VALUES", "SCOPE", "LIMITS"});
    for (const auto& tunable : list(reply, "tunables")) {
        const std::string names = field(tunable, "value_names");
        table.add({field(tunable, "tuner"), field(tunable, "sysctl"),
                   field(tunable, "values") + (names.empty() ? "" : " (" + names + ")"),
                   field(tunable, "scope"), limits_text(tunable)});
    }
    return table.render();
}

std::string statistics_text(const json::value& reply)
{
    std::string text;
    for (const auto& tuner : list(reply, "tuners"))
        if (const json::value* lines = tuner.as_object().if_contains("statistics"))
            for (const auto& line : lines->as_array())
                text += "  " + json_text(line) + "\n";
    return text.empty() ? "" : "\nStatistics:\n" + text;
}

std::string status_text(const json::value& reply)
{
    TextTable table({"TUNER", "SYSCTL", "NETNS", "ORIGINAL", "CURRENT", "CHANGES", "OWNER",
                     "NOTE"});
    for (const auto& row : list(reply, "tunables")) {
        const bool held = row.as_object().at("held").as_bool();
        table.add({field(row, "tuner"), field(row, "sysctl"), field(row, "netns"),
                   field(row, "original"), field(row, "current"), field(row, "changes"),
                   field(row, "owner") + (held ? " (held)" : ""), field(row, "note")});
    }
    return tuners_text(reply) + "\n" + table.render() + statistics_text(reply);
}

std::string summary_text(const json::value& reply)
{
    const json::array& changes = list(reply, "changes");
    if (changes.empty())
        return "No changes were made.\n";
    TextTable table({"SYSCTL", "NETNS", "CHANGES", "FROM", "TO", "TUNER", "LAST REASON"});
    std::string replicate = "\nTo make the same changes elsewhere:\n";
    for (const auto& entry : changes) {
        table.add({field(entry, "sysctl"), field(entry, "netns"), field(entry, "changes"),
                   field(entry, "from"), field(entry, "to"), field(entry, "tuner"),
                   field(entry, "last_reason")});
        replicate += "  " + field(entry, "replicate") + "\n";
    }
    return table.render() + replicate;
}

std::string rollback_text(const json::value& reply)
{
    const json::array& entries = list(reply, "rollback");
    if (entries.empty())
        return "# bpftune has changed nothing; there is nothing to roll back.\n";
    std::string text = "# Run as root to restore the values bpftune changed:\n";
    for (const auto& entry : entries) {
        const std::string note = field(entry, "note");
        const std::string where = field(entry, "sysctl") + " in netns " + field(entry, "netns");
        if (entry.as_object().at("run").as_bool())
            text += field(entry, "command") + "\n";
        else if (entry.as_object().at("command").is_null())
            text += "# skipped " + where + ": " + note + "\n";
        else
            text += "# skipped " + where + ": " + note + "\n# " + field(entry, "command") + "\n";
    }
    return text;
}

// A tuner's view: its table, then its note; or why there is none.
std::string view_text(const json::value& reply)
{
    if (reply.as_object().contains("error"))
        return field(reply, "tuner") + ": " + field(reply, "error") + "\n";
    std::vector<std::string> columns;
    for (const auto& column : list(reply, "columns"))
        columns.push_back(json_text(column));
    TextTable table(columns);
    for (const auto& row : list(reply, "rows")) {
        std::vector<std::string> cells;
        for (const auto& cell : row.as_array())
            cells.push_back(json_text(cell));
        table.add(cells);
    }
    const std::string note = field(reply, "note");
    if (list(reply, "rows").empty())
        return field(reply, "tuner") + " has nothing to show yet.\n";
    return table.render() + (note.empty() ? "" : "\n" + note + "\n");
}

}  // namespace

std::string json_text(const json::value& value)
{
    switch (value.kind()) {
    case json::kind::null:
        return "-";
    case json::kind::bool_:
        return value.get_bool() ? "yes" : "no";
    case json::kind::int64:
        return std::to_string(value.get_int64());
    case json::kind::uint64:
        return std::to_string(value.get_uint64());
    case json::kind::double_:
        return std::to_string(value.get_double());
    case json::kind::string:
        return std::string(value.get_string());
    case json::kind::array: {
        std::string text;
        for (const auto& item : value.get_array())
            text += (text.empty() ? "" : " ") + json_text(item);
        return text;
    }
    case json::kind::object:
        return json::serialize(value);
    }
    return "";
}

std::string render_reply(RequestKind kind, const json::value& reply)
{
    switch (kind) {
    case RequestKind::help:
        return help_text(reply);
    case RequestKind::tuners:
        return tuners_text(reply);
    case RequestKind::tunables:
        return tunables_text(reply);
    case RequestKind::status:
        return status_text(reply);
    case RequestKind::summary:
        return summary_text(reply);
    case RequestKind::rollback:
        return rollback_text(reply);
    case RequestKind::view:
        return view_text(reply);
    }
    return json_text(reply) + "\n";
}

}  // namespace bpftune
