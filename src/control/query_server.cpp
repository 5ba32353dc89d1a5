#include "control/query_server.hpp"

#include "control/query_protocol.hpp"
#include "control/socket_file.hpp"
#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <optional>
#include <tuple>

namespace bpftune {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

// Keeps a connection in the server's set while its coroutine runs, so stop() can close it.
class OpenConnection {
public:
    OpenConnection(std::set<QueryServer::Socket*>& open, QueryServer::Socket& socket)
        : open_(open), socket_(&socket) { open_.insert(socket_); }
    OpenConnection(const OpenConnection&) = delete;
    OpenConnection& operator=(const OpenConnection&) = delete;
    ~OpenConnection() { open_.erase(socket_); }

private:
    std::set<QueryServer::Socket*>& open_;
    QueryServer::Socket* socket_;
};

// The socket file is root-only; this guards against an fd handed on to someone else.
bool peer_allowed(QueryServer::Socket& socket, uid_t allowed_uid)
{
    ucred peer{};
    socklen_t length = sizeof peer;
    return ::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 &&
           peer.uid == allowed_uid;
}

std::string milliseconds_text(std::chrono::milliseconds time)
{
    return std::to_string(time.count()) + " ms";
}

// One read, or nothing when the deadline passes first.
asio::awaitable<std::optional<std::tuple<boost::system::error_code, std::size_t>>> read_before(
    QueryServer::Socket& socket, asio::steady_timer& deadline, asio::mutable_buffer buffer)
{
    auto outcome = co_await (socket.async_read_some(buffer, no_throw) ||
                             deadline.async_wait(no_throw));
    if (outcome.index() == 1)
        co_return std::nullopt;
    co_return std::get<0>(outcome);
}

}  // namespace

Result<std::unique_ptr<QueryServer>> QueryServer::open(const asio::any_io_executor& executor,
                                                       std::filesystem::path socket_path,
                                                       Answer answer, QueryLimits limits)
{
    auto listening = listen_on_socket_file(socket_path, static_cast<int>(limits.max_connections));
    if (!listening)
        return listening.error();
    Acceptor acceptor(executor);
    boost::system::error_code ec;
    acceptor.assign(asio::local::stream_protocol(), listening->fd.get(), ec);
    if (ec) {
        remove_socket_file(socket_path, listening->inode);
        return Error{ec.value(), "listen on " + socket_path.string()};
    }
    listening->fd.release();  // the acceptor owns it now
    return std::unique_ptr<QueryServer>(new QueryServer(
        std::move(acceptor), std::move(socket_path), listening->inode, std::move(answer), limits));
}

QueryServer::QueryServer(Acceptor acceptor, std::filesystem::path path, ino_t inode,
                         Answer answer, QueryLimits limits)
    : acceptor_(std::move(acceptor)), path_(std::move(path)), inode_(inode),
      answer_(std::move(answer)), limits_(limits)
{
}

QueryServer::~QueryServer()
{
    remove_socket_file(path_, inode_);
}

void QueryServer::stop()
{
    boost::system::error_code ignored;
    stopped_ = true;  // connections accepted but not yet started end at their first step
    acceptor_.close(ignored);
    for (Socket* socket : open_)
        socket->close(ignored);
}

asio::awaitable<void> QueryServer::run()
{
    asio::steady_timer pause(acceptor_.get_executor());
    while (acceptor_.is_open()) {
        auto [ec, socket] = co_await acceptor_.async_accept(no_throw);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            // EMFILE and the like: say so once, and do not spin while it lasts.
            if (!std::exchange(accept_error_reported_, true))
                log_warning("query socket " + path_.string() + ": accept: " + ec.message());
            pause.expires_after(std::chrono::milliseconds(100));
            co_await pause.async_wait(no_throw);
            continue;
        }
        if (connections_ >= limits_.max_connections && !evict_oldest_waiting()) {
            refuse_busy(socket);
            continue;
        }
        ++connections_;  // counted now, not when the coroutine first runs
        asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)),
                       [this](std::exception_ptr e) {
                           --connections_;
                           try {
                               if (e)
                                   std::rethrow_exception(e);
                           } catch (const std::exception& error) {
                               log_err(std::string("query connection failed: ") + error.what());
                           }
                       });
    }
}

bool QueryServer::evict_oldest_waiting()
{
    // Clients that connect and send nothing must not lock others out: the longest waiting one
    // makes room. Its coroutine sees the closed socket and ends.
    for (Socket* socket : waiting_)
        if (socket->is_open()) {
            boost::system::error_code ignored;
            socket->close(ignored);
            return true;
        }
    return false;
}

void QueryServer::refuse_busy(Socket& socket)
{
    // One small write into an empty socket buffer; never waits. The socket closes after.
    const std::string reply = error_reply(
        "busy: " + std::to_string(limits_.max_connections) + " queries in progress; try again");
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(reply), ignored);
}

asio::awaitable<void> QueryServer::serve(Socket socket)
{
    if (stopped_)
        co_return;
    OpenConnection registered(open_, socket);
    asio::steady_timer deadline(socket.get_executor());
    deadline.expires_after(limits_.request_time);
    std::string reply;
    if (!peer_allowed(socket, limits_.allowed_uid)) {
        reply = error_reply("permission denied: only root may query bpftune");
    } else {
        auto waiting = waiting_.insert(waiting_.end(), &socket);
        auto request = co_await read_request(socket, deadline);
        waiting_.erase(waiting);
        if (request.kind == ReadRequest::client_gone)
            co_return;
        reply = request.kind == ReadRequest::line ? answer_(request.text)
                                                  : error_reply(request.text);
    }
    deadline.expires_after(limits_.reply_time);
    co_await write_reply(socket, deadline, reply);
}

// GCC 12 wrongly pairs Asio's recycled coroutine-frame allocation with operator delete
// here (a known false positive: chriskohlhoff/asio#1391, erigontech/silkworm#2046).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<QueryServer::ReadRequest> QueryServer::read_request(Socket& socket,
                                                                    asio::steady_timer& deadline)
{
    std::string received;
    std::array<char, 1024> chunk;
    while (received.size() <= limits_.max_request_bytes) {
        auto outcome = co_await read_before(socket, deadline, asio::buffer(chunk));
        if (!outcome)
            co_return ReadRequest{ReadRequest::refused, "no complete request within " +
                                                            milliseconds_text(limits_.request_time)};
        auto [ec, bytes] = *outcome;
        received.append(chunk.data(), bytes);
        const auto line_end = received.find('\n');
        if (line_end != std::string::npos && line_end <= limits_.max_request_bytes)
            co_return ReadRequest{ReadRequest::line, received.substr(0, line_end)};
        if (ec == asio::error::eof && received.size() <= limits_.max_request_bytes)
            co_return ReadRequest{ReadRequest::line, received};
        if (ec && ec != asio::error::eof)
            co_return ReadRequest{ReadRequest::client_gone, ec.message()};
    }
    co_return ReadRequest{ReadRequest::refused, "request larger than " +
                                                    std::to_string(limits_.max_request_bytes) +
                                                    " bytes"};
}
#pragma GCC diagnostic pop

asio::awaitable<void> QueryServer::write_reply(Socket& socket, asio::steady_timer& deadline,
                                               const std::string& reply)
{
    auto outcome = co_await (asio::async_write(socket, asio::buffer(reply), no_throw) ||
                             deadline.async_wait(no_throw));
    if (outcome.index() == 1)
        log_debug("query client did not take its reply within " +
                  milliseconds_text(limits_.reply_time) + "; closed");
    boost::system::error_code ignored;
    socket.shutdown(Socket::shutdown_both, ignored);
}

}  // namespace bpftune
