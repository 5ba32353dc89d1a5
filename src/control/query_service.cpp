#include "control/query_service.hpp"

#include "control/query_protocol.hpp"
#include "control/query_replies.hpp"
#include "log/log.hpp"

#include <exception>

namespace bpftune {
namespace {

boost::json::value reply_to(const Request& request, const LiveSources& sources)
{
    switch (request.kind) {
    case RequestKind::help:
        return help_reply(sources.roster);
    case RequestKind::view:
        return view_reply(sources, request.name);
    case RequestKind::tuners:
        return tuners_reply(sources.roster);
    case RequestKind::tunables:
        return tunables_reply(sources.roster);
    case RequestKind::status:
        return status_reply(sources);
    case RequestKind::summary:
        return summary_reply(sources.changes.history());
    case RequestKind::rollback:
        return rollback_reply(sources);
    }
    return nullptr;
}

}  // namespace

std::string QueryService::answer(std::string_view request_line)
{
    const auto views = sources_.roster.view_names();
    auto request = parse_request(request_line, views);
    if (!request)
        return error_reply(request.error().message());
    try {
        return ok_reply(reply_to(*request, sources_));
    } catch (const std::exception& e) {
        // A bug in one reply must cost that reply, not the daemon.
        log_err("query '" + request->name + "' failed: " + e.what());
        return error_reply("internal error answering '" + request->name + "': " + e.what());
    }
}

}  // namespace bpftune
