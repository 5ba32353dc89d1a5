// The daemon's query socket: a root-only Unix stream socket on the daemon's io_context.
// Each connection is its own coroutine, bounded in bytes and time, so a slow or hostile
// client costs one slot of max_connections and never the loop or other clients.
#pragma once

#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace bpftune {

struct QueryLimits {
    std::size_t max_request_bytes = 4096;
    std::chrono::milliseconds request_time{2000};  // from accept to the request's end
    std::chrono::milliseconds reply_time{2000};    // to hand over the whole reply
    std::size_t max_connections = 16;  // beyond: the oldest still sending its request is
                                       // closed; if none is, a "busy" reply
    uid_t allowed_uid = 0;                         // root; tests run as themselves
};

class QueryServer {
public:
    using Socket = boost::asio::local::stream_protocol::socket;
    using Answer = std::function<std::string(std::string_view request_line)>;

    // Creates the directory (0755) and the socket (0600), replacing a stale socket file; fails
    // if another process answers on it or the path is something else.
    static Result<std::unique_ptr<QueryServer>> open(const boost::asio::any_io_executor& executor,
                                                     std::filesystem::path socket_path,
                                                     Answer answer, QueryLimits limits = {});
    QueryServer(const QueryServer&) = delete;
    QueryServer& operator=(const QueryServer&) = delete;
    // Removes the socket file, if it is still the one this server created.
    ~QueryServer();

    // Accepts until stop(); spawn it on the same executor.
    boost::asio::awaitable<void> run();
    // Closes the listening socket and every open connection.
    void stop();

    const std::filesystem::path& path() const { return path_; }
    std::size_t open_connections() const { return connections_; }

private:
    using Acceptor = boost::asio::local::stream_protocol::acceptor;
    QueryServer(Acceptor acceptor, std::filesystem::path path, ino_t inode, Answer answer,
                QueryLimits limits);

    struct ReadRequest {
        enum Kind { line, refused, client_gone } kind;
        std::string text;  // the request line, or why it is refused
    };
    boost::asio::awaitable<void> serve(Socket socket);
    boost::asio::awaitable<ReadRequest> read_request(Socket& socket,
                                                     boost::asio::steady_timer& deadline);
    boost::asio::awaitable<void> write_reply(Socket& socket, boost::asio::steady_timer& deadline,
                                             const std::string& reply);
    void refuse_busy(Socket& socket);
    bool evict_oldest_waiting();

    Acceptor acceptor_;
    std::filesystem::path path_;
    ino_t inode_;
    Answer answer_;
    QueryLimits limits_;
    std::set<Socket*> open_;       // to close them on stop()
    std::list<Socket*> waiting_;   // still sending their request, oldest first
    std::size_t connections_ = 0;  // accepted and not yet finished
    bool accept_error_reported_ = false;
    bool stopped_ = false;
};

}  // namespace bpftune
