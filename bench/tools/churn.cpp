// bpftune-bench-churn: a connection-churn workload, like HTTP/1.0 without HTTP. Each
// connection carries one small request and one small reply, and the server closes first, so
// the client keeps no TIME_WAIT and never runs out of ports.
//
//   bpftune-bench-churn server PORT
//   bpftune-bench-churn client ADDRESS PORT SECONDS      prints "CONNECTIONS SECONDS"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr std::size_t request_bytes = 64;
constexpr std::size_t reply_bytes = 1024;

[[noreturn]] void die(const std::string& what)
{
    std::fprintf(stderr, "bpftune-bench-churn: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

sockaddr_in address_of(const char* host, int port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
        die(std::string("not an IPv4 address: ") + host);
    return address;
}

// Reads until EOF or until `bytes` have arrived; false on a reset or other error.
bool read_bytes(int fd, std::size_t bytes, bool until_eof)
{
    char buffer[4096];
    std::size_t got = 0;
    while (until_eof || got < bytes) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n == 0)
            return got >= bytes;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        got += static_cast<std::size_t>(n);
    }
    return true;
}

bool write_bytes(int fd, std::size_t bytes)
{
    static const std::string payload(reply_bytes > request_bytes ? reply_bytes : request_bytes, 'x');
    return write(fd, payload.data(), bytes) == static_cast<ssize_t>(bytes);
}

int serve(int port)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address = address_of("0.0.0.0", port);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        die("bind");
    if (listen(listener, 4096) < 0)
        die("listen");
    for (;;) {
        int fd = accept(listener, nullptr, nullptr);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("accept");
        }
        if (read_bytes(fd, request_bytes, false))
            write_bytes(fd, reply_bytes);
        close(fd);
    }
}

// One whole exchange; false if any step failed (counted as an error, not a connection).
bool exchange(const sockaddr_in& server)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0 &&
              write_bytes(fd, request_bytes) && read_bytes(fd, reply_bytes, true);
    close(fd);
    return ok;
}

int run_client(const char* host, int port, double seconds)
{
    using clock = std::chrono::steady_clock;
    sockaddr_in server = address_of(host, port);
    auto start = clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    long connections = 0, errors = 0;
    while (clock::now() < deadline)
        (exchange(server) ? connections : errors)++;
    double elapsed_s = std::chrono::duration<double>(clock::now() - start).count();
    std::printf("%ld %.3f\n", connections, elapsed_s);
    if (errors > connections / 100) {
        std::fprintf(stderr, "bpftune-bench-churn: %ld of %ld exchanges failed\n", errors,
                     errors + connections);
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "server")
        return serve(std::atoi(argv[2]));
    if (argc == 5 && std::string(argv[1]) == "client")
        return run_client(argv[2], std::atoi(argv[3]), std::atof(argv[4]));
    std::fprintf(stderr, "usage: %s server PORT | client ADDRESS PORT SECONDS\n", argv[0]);
    return 2;
}
