#include "control/query_client.hpp"

#include "control/query_protocol.hpp"
#include "control/query_text.hpp"
#include "core/unique_fd.hpp"

#include <boost/json/serialize.hpp>

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

namespace bpftune {
namespace {

// Longer than any reply the daemon takes to build; a stuck daemon must not hang a script.
constexpr timeval socket_timeout{10, 0};
constexpr std::size_t max_reply_bytes = 64 * 1024 * 1024;

Result<UniqueFd> connect_to(const std::filesystem::path& path)
{
    auto fd = connect_unix(path);
    if (!fd)
        return fd.error();
    ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &socket_timeout, sizeof socket_timeout);
    ::setsockopt(fd->get(), SOL_SOCKET, SO_SNDTIMEO, &socket_timeout, sizeof socket_timeout);
    return fd;
}

Result<std::string> exchange(int fd, const std::string& request)
{
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size()))
        return errno_error("send the request");
    std::string reply;
    char chunk[16384];
    for (;;) {
        const ssize_t bytes = ::recv(fd, chunk, sizeof chunk, 0);
        if (bytes == 0)
            return reply;
        if (bytes < 0 && errno == EINTR)
            continue;
        if (bytes < 0)
            return errno_error(errno == EAGAIN ? "no reply within 10 s" : "read the reply");
        reply.append(chunk, static_cast<std::size_t>(bytes));
        if (reply.size() > max_reply_bytes)
            return Error{EMSGSIZE, "read the reply"};
    }
}

int print_reply(const RequestInfo& request, bool json, const boost::json::value& reply)
{
    try {
        const std::string text = json || request.json_name
                                     ? boost::json::serialize(reply) + "\n"
                                     : render_reply(request.kind, reply);
        std::fputs(text.c_str(), stdout);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bpftune: the daemon's reply to '%s' is not what this bpftune "
                             "expects (%s); try --json\n",
                     std::string(request.name).c_str(), e.what());
        return 1;
    }
}

}  // namespace

int run_query(const std::string& request_name, bool json, ViewNames tuner_names,
              const std::filesystem::path& socket_path)
{
    const RequestInfo view{request_name, RequestKind::view, false, "a tuner's own view"};
    const RequestInfo* request = find_request(request_name);
    if (!request && std::ranges::find(tuner_names, request_name) != tuner_names.end())
        request = &view;
    if (!request) {
        std::fprintf(stderr, "bpftune: unknown query '%s'; known queries: %s\n",
                     request_name.c_str(), request_names(tuner_names).c_str());
        return 2;
    }
    auto fd = connect_to(socket_path);
    auto text = fd ? exchange(fd->get(), request_line(request_name)) : Result<std::string>(fd.error());
    if (!text) {
        const bool denied = text.error().code == EACCES || text.error().code == EPERM;
        std::fprintf(stderr, "bpftune: cannot reach the daemon at %s: %s; %s\n",
                     socket_path.c_str(), text.error().message().c_str(),
                     denied ? "queries need root" : "is it running?");
        return 1;
    }
    auto reply = parse_reply(*text);
    if (!reply) {
        std::fprintf(stderr, "bpftune: the daemon answered '%s' with an error: %s\n",
                     request_name.c_str(), reply.error().message().c_str());
        // A tuner without a view of its own (or not running) is an unknown query after all.
        return request == &view && reply.error().message().starts_with("unknown request") ? 2 : 1;
    }
    return print_reply(*request, json, *reply);
}

}  // namespace bpftune
