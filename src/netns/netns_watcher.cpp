#include "netns/netns_watcher.hpp"

#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/inotify.h>
#include <sys/stat.h>

#include <array>
#include <cstring>

namespace bpftune {

Result<std::unique_ptr<NetnsWatcher>> NetnsWatcher::start(boost::asio::io_context& io,
                                                          NetnsRegistry& registry,
                                                          std::filesystem::path named_root)
{
    std::unique_ptr<NetnsWatcher> watcher(new NetnsWatcher(io, registry, named_root));
    // iproute2 creates the directory on first use; create it so the watch can start now.
    ::mkdir(named_root.c_str(), 0755);
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return errno_error("inotify_init1");
    watcher->inotify_.assign(fd);
    if (::inotify_add_watch(fd, named_root.c_str(),
                            IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM) < 0)
        return errno_error("watch " + named_root.string());
    return watcher;
}

boost::asio::awaitable<void> NetnsWatcher::run()
{
    alignas(inotify_event) std::array<char, 8192> buffer;
    std::set<std::string> created;
    bool removed = false;
    for (;;) {
        auto [ec, bytes] = co_await inotify_.async_read_some(
            boost::asio::buffer(buffer), boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec || !inotify_.is_open())
            co_return;
        for (std::size_t offset = 0; offset + sizeof(inotify_event) <= bytes;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + offset);
            offset += sizeof(inotify_event) + event->len;
            if (event->len == 0)
                continue;
            const std::string name(event->name);
            if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
                registry_.forget_path((root_ / name).string());
                created.erase(name);
                removed = true;
            } else {
                created.insert(name);
            }
        }
        co_await learn(created);
        if (std::exchange(removed, false))
            co_await settle_removals();
    }
}

boost::asio::awaitable<void> NetnsWatcher::settle_removals()
{
    // A removed name may leave a namespace that processes still hold; a scan a moment later
    // tells which are really gone, so everything kept about them can be dropped.
    settle_.expires_after(std::chrono::milliseconds(250));
    auto [ec] = co_await settle_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (!ec)
        registry_.refresh();
}

boost::asio::awaitable<void> NetnsWatcher::learn(std::set<std::string>& created)
{
    // `ip netns add` creates the file, then bind-mounts the namespace on it: give it a moment,
    // and a second one; what is still not there is learned later from its first event.
    for (auto wait : {std::chrono::milliseconds(20), std::chrono::milliseconds(200)}) {
        if (created.empty())
            co_return;
        settle_.expires_after(wait);
        auto [ec] = co_await settle_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            co_return;
        std::erase_if(created, [&](const std::string& name) {
            auto cookie = registry_.add(name);
            if (cookie)
                log_debug("network namespace " + name + " appeared (cookie " +
                          std::to_string(*cookie) + ")");
            return cookie.has_value();
        });
    }
    created.clear();
}

void NetnsWatcher::stop()
{
    // Closed, not only cancelled: the coroutine may be between two reads, waiting on the timer.
    boost::system::error_code ignored;
    inotify_.close(ignored);
    settle_.cancel();
}

}  // namespace bpftune
