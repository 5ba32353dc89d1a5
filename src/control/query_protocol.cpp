#include "control/query_protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

namespace bpftune {
namespace {

namespace json = boost::json;

constexpr std::array<RequestInfo, 8> catalog{{
    {"help", RequestKind::help, false, "the requests the daemon answers"},
    {"tuners", RequestKind::tuners, false, "each tuner: active, disabled (why) or unsupported (why)"},
    {"tunables", RequestKind::tunables, false, "each tuner's sysctls: value count, limits, scope"},
    {"status", RequestKind::status, false,
     "tuner states and, per sysctl and namespace, the original and live value, changes, owner"},
    {"summary", RequestKind::summary, false, "the changes made, per sysctl and namespace"},
    {"rollback", RequestKind::rollback, false, "the sysctl -w commands that restore the originals"},
    {"jtunables", RequestKind::tunables, true, "tunables, as JSON"},
    {"jstatus", RequestKind::status, true, "status, as JSON"},
}};

std::string serialize_line(const json::value& value)
{
    return json::serialize(value) + "\n";
}

// The request's own text, trimmed of the line end and surrounding blanks.
std::string_view trimmed(std::string_view line)
{
    const auto blank = std::string_view(" \t\r\n");
    const auto first = line.find_first_not_of(blank);
    if (first == std::string_view::npos)
        return {};
    return line.substr(first, line.find_last_not_of(blank) - first + 1);
}

}  // namespace

std::span<const RequestInfo> request_catalog()
{
    return catalog;
}

const RequestInfo* find_request(std::string_view name)
{
    auto it = std::ranges::find(catalog, name, &RequestInfo::name);
    return it == catalog.end() ? nullptr : &*it;
}

std::string request_names(ViewNames views)
{
    std::string names;
    for (const auto& info : catalog)
        names += (names.empty() ? "" : ", ") + std::string(info.name);
    for (const auto& view : views)
        names += ", " + view;
    return names;
}

Result<Request> parse_request(std::string_view line, ViewNames views)
{
    const auto text = trimmed(line);
    if (text.empty())
        return Error{0, "empty request; send {\"request\":\"help\"}"};
    boost::system::error_code ec;
    const json::value parsed = json::parse(text, ec);
    if (ec)
        return Error{0, "the request is not JSON (" + ec.message() + ")"};
    const json::object* object = parsed.if_object();
    const json::value* name = object ? object->if_contains("request") : nullptr;
    if (!name || !name->is_string())
        return Error{0, "the request must be an object with a string \"request\""};
    if (object->size() != 1)
        return Error{0, "the request must have only the member \"request\""};
    const std::string_view request_name = name->get_string();
    const RequestInfo* info = find_request(request_name);
    if (!info && std::ranges::find(views, request_name) != views.end())
        return Request{RequestKind::view, std::string(request_name)};
    if (!info)
        return Error{0, "unknown request '" + std::string(request_name.substr(0, 64)) +
                            "'; known requests: " + request_names(views)};
    return Request{info->kind, std::string(info->name)};
}

std::string request_line(std::string_view name)
{
    return serialize_line(json::object{{"request", name}});
}

std::string ok_reply(const json::value& reply)
{
    return serialize_line(json::object{{"ok", true}, {"reply", reply}});
}

std::string error_reply(std::string_view error)
{
    return serialize_line(json::object{{"ok", false}, {"error", error}});
}

Result<json::value> parse_reply(std::string_view text)
{
    boost::system::error_code ec;
    const json::value parsed = json::parse(trimmed(text), ec);
    const json::object* object = ec ? nullptr : parsed.if_object();
    const json::value* ok = object ? object->if_contains("ok") : nullptr;
    if (!ok || !ok->is_bool())
        return Error{0, "the daemon's reply is not a bpftune reply"};
    if (!ok->get_bool()) {
        const json::value* error = object->if_contains("error");
        return Error{0, error && error->is_string() ? std::string(error->get_string())
                                                    : "the daemon reported an error"};
    }
    const json::value* reply = object->if_contains("reply");
    return reply ? *reply : json::value{};
}

}  // namespace bpftune
