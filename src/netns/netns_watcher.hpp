// Learns named network namespaces as `ip netns add` creates them and forgets them when
// `ip netns del` removes them (inotify on /run/netns), so lookups rarely need a /proc scan.
#pragma once

#include "core/error.hpp"
#include "netns/netns_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
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
    using Clock = std::chrono::steady_clock;
    NetnsWatcher(boost::asio::io_context& io, NetnsRegistry& registry, std::filesystem::path root)
        : inotify_(io), retry_(io), wake_(io), registry_(registry), root_(std::move(root)) {}
    // Two loops, so that reading events never waits for a namespace to be mounted: one reads
    // inotify events, the other retries new names and settles removals on timers.
    boost::asio::awaitable<void> read_events();
    boost::asio::awaitable<void> retry_pending();
    void handle(const std::string& name, bool removed);
    void learn_pending();

    boost::asio::posix::stream_descriptor inotify_;
    boost::asio::steady_timer retry_;
    boost::asio::steady_timer wake_;  // a signal: cancelled when there is work for retry_pending
    NetnsRegistry& registry_;
    std::filesystem::path root_;
    std::map<std::string, int> pending_;        // created names not learned yet -> tries
    std::optional<Clock::time_point> rescan_at_;  // after a removal, when to rescan
};

}  // namespace bpftune
