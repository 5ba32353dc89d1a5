#include "control/query_protocol.hpp"
#include "control/query_server.hpp"
#include "control/socket_file.hpp"
#include "log/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <thread>

using namespace bpftune;
using namespace std::chrono_literals;

namespace {

std::filesystem::path test_socket_path()
{
    return std::filesystem::temp_directory_path() /
           ("bpftune-sock-" + std::to_string(::getpid())) / "bpftune.sock";
}

// A blocking client, as a shell script's would be.
UniqueFd connect_client(const std::filesystem::path& path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const timeval timeout{5, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    REQUIRE(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

void send_text(const UniqueFd& fd, std::string_view text)
{
    (void)::send(fd.get(), text.data(), text.size(), MSG_NOSIGNAL);
}

std::string receive_all(const UniqueFd& fd)
{
    std::string text;
    char chunk[4096];
    ssize_t bytes;
    while ((bytes = ::recv(fd.get(), chunk, sizeof chunk, 0)) > 0)
        text.append(chunk, static_cast<std::size_t>(bytes));
    return text;
}

bool has_reply_yet(const UniqueFd& fd)
{
    char byte;
    return ::recv(fd.get(), &byte, 1, MSG_DONTWAIT | MSG_PEEK) >= 0 || errno != EAGAIN;
}

// A server answering "pong" on its own loop thread.
struct RunningServer {
    boost::asio::io_context io;
    std::unique_ptr<QueryServer> server;
    std::thread loop;

    explicit RunningServer(QueryLimits limits)
    {
        init_logging({.to_stderr = false, .debug = false, .to_journal = false});
        limits.allowed_uid = ::getuid();
        auto opened = QueryServer::open(io.get_executor(), test_socket_path(),
                                        [](std::string_view) { return ok_reply("pong"); }, limits);
        REQUIRE(opened.has_value());
        server = std::move(*opened);
        boost::asio::co_spawn(io, server->run(), boost::asio::detached);
        loop = std::thread([this] { io.run(); });
    }
    ~RunningServer()
    {
        shut_down();
        std::filesystem::remove_all(test_socket_path().parent_path());
    }
    // Stops the server on its loop and waits until every connection has ended.
    void shut_down()
    {
        if (!loop.joinable())
            return;
        boost::asio::post(io, [this] { server->stop(); });
        loop.join();  // io.run() returns only when no connection is left
        server.reset();
    }
    // Asked on the loop thread, which owns the server.
    std::size_t open_connections()
    {
        std::promise<std::size_t> count;
        boost::asio::post(io, [&] { count.set_value(server->open_connections()); });
        return count.get_future().get();
    }
};

}  // namespace

TEST_CASE("the socket is created 0600 in a 0755 directory and removed with the server")
{
    const auto path = test_socket_path();
    {
        RunningServer running({});
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(S_ISSOCK(st.st_mode));
        CHECK((st.st_mode & 0777) == 0600);
        REQUIRE(::stat(path.parent_path().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0755);
        auto client = connect_client(path);
        send_text(client, "{\"request\":\"help\"}\n");
        CHECK(receive_all(client) == ok_reply("pong"));

        auto second = listen_on_socket_file(path, 1);
        REQUIRE_FALSE(second.has_value());
        CHECK(second.error().message().find("another bpftune") != std::string::npos);
        running.shut_down();
        CHECK_FALSE(std::filesystem::exists(path));
    }
}

TEST_CASE("a stale socket file is replaced; a file that is not a socket is left alone")
{
    const auto path = test_socket_path();
    std::filesystem::create_directories(path.parent_path());
    {
        auto stale = listen_on_socket_file(path, 1);  // closed at once: nobody answers on it
        REQUIRE(stale.has_value());
    }
    auto fresh = listen_on_socket_file(path, 1);
    CHECK(fresh.has_value());
    fresh = Error{};
    std::filesystem::remove(path);
    std::ofstream(path) << "not a socket";
    auto refused = listen_on_socket_file(path, 1);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message().find("not a socket") != std::string::npos);
    std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("a half-sent request times out while another client is served")
{
    RunningServer running({.request_time = 1000ms});
    auto stuck = connect_client(test_socket_path());
    send_text(stuck, "{\"requ");

    auto good = connect_client(test_socket_path());
    send_text(good, "{\"request\":\"status\"}\n");
    CHECK(receive_all(good) == ok_reply("pong"));
    CHECK_FALSE(has_reply_yet(stuck));

    auto timed_out = parse_reply(receive_all(stuck));
    REQUIRE_FALSE(timed_out.has_value());
    CHECK(timed_out.error().message() == "no complete request within 1000 ms");
}

TEST_CASE("a request over the size limit gets an error reply")
{
    RunningServer running({.max_request_bytes = 4096});
    auto client = connect_client(test_socket_path());
    send_text(client, std::string(64 * 1024, 'x'));
    auto refused = parse_reply(receive_all(client));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message() == "request larger than 4096 bytes");
}

TEST_CASE("beyond the connection limit the oldest client still sending makes room")
{
    RunningServer running({.max_connections = 1});
    auto holder = connect_client(test_socket_path());
    send_text(holder, "{");
    while (running.open_connections() == 0)
        std::this_thread::sleep_for(1ms);
    auto newcomer = connect_client(test_socket_path());
    send_text(newcomer, "{\"request\":\"status\"}\n");
    CHECK(receive_all(newcomer) == ok_reply("pong"));
    CHECK(receive_all(holder).empty());  // closed without a reply
}

TEST_CASE("a request ended by EOF instead of a newline is answered")
{
    RunningServer running({});
    auto client = connect_client(test_socket_path());
    send_text(client, "{\"request\":\"help\"}");
    ::shutdown(client.get(), SHUT_WR);
    CHECK(receive_all(client) == ok_reply("pong"));
}
