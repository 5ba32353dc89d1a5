// Learns named network namespaces as `ip netns add` creates them and forgets them when
// `ip netns del` removes them (inotify on /run/netns), so lookups rarely need a /proc scan.
#pragma once

#include "core/error.hpp"
#include "netns/netns_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <string>

namespace bpftune {

class NetnsWatcher {
public:
    static Result<std::unique_ptr<NetnsWatcher>> start(boost::asio::io_context& io,
                                                       NetnsRegistry& registry,
                                                       std::filesystem::path named_root = "/run/netns");
    boost::asio::awaitable<void> run();
    void stop();

private:
    NetnsWatcher(boost::asio::io_context& io, NetnsRegistry& registry, std::filesystem::path root)
        : inotify_(io), settle_(io), registry_(registry), root_(std::move(root)) {}
    boost::asio::awaitable<void> learn(std::set<std::string>& created);
    boost::asio::awaitable<void> settle_removals();

    boost::asio::posix::stream_descriptor inotify_;
    boost::asio::steady_timer settle_;
    NetnsRegistry& registry_;
    std::filesystem::path root_;
};

}  // namespace bpftune
