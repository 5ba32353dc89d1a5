#include "netns/netns_watcher.hpp"

#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
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

namespace {

// `ip netns add` creates the file, then bind-mounts the namespace on it: a new name is tried
// every 20 ms for 200 ms; what is still not there is learned later from its first event.
constexpr auto retry_interval = std::chrono::milliseconds(20);
constexpr int tries_max = 10;
// A removed name may leave a namespace that processes still hold; a scan a moment later tells
// which are really gone, so everything kept about them can be dropped.
constexpr auto settle_after_removal = std::chrono::milliseconds(250);

}  // namespace

boost::asio::awaitable<void> NetnsWatcher::run()
{
    using namespace boost::asio::experimental::awaitable_operators;
    co_await (read_events() && retry_pending());
}

boost::asio::awaitable<void> NetnsWatcher::read_events()
{
    alignas(inotify_event) std::array<char, 8192> buffer;
    for (;;) {
        auto [ec, bytes] = co_await inotify_.async_read_some(
            boost::asio::buffer(buffer), boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec || !inotify_.is_open()) {
            wake_.cancel();  // the other loop ends too
            co_return;
        }
        for (std::size_t offset = 0; offset + sizeof(inotify_event) <= bytes;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + offset);
            offset += sizeof(inotify_event) + event->len;
            if (event->len != 0)
                handle(event->name, event->mask & (IN_DELETE | IN_MOVED_FROM));
        }
        wake_.cancel();
    }
}

void NetnsWatcher::handle(const std::string& name, bool removed)
{
    if (!removed) {
        pending_.emplace(name, 0);
        return;
    }
    registry_.forget_path((root_ / name).string());
    pending_.erase(name);
    if (!rescan_at_)
        rescan_at_ = Clock::now() + settle_after_removal;
}

boost::asio::awaitable<void> NetnsWatcher::retry_pending()
{
    using boost::asio::as_tuple;
    using boost::asio::use_awaitable;
    while (inotify_.is_open()) {
        if (pending_.empty() && !rescan_at_) {
            wake_.expires_at(Clock::time_point::max());
            co_await wake_.async_wait(as_tuple(use_awaitable));
            continue;
        }
        retry_.expires_after(retry_interval);
        co_await retry_.async_wait(as_tuple(use_awaitable));
        if (!inotify_.is_open())
            break;
        learn_pending();
        if (rescan_at_ && Clock::now() >= *rescan_at_) {
            rescan_at_.reset();
            registry_.refresh();
        }
    }
}

void NetnsWatcher::learn_pending()
{
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto& [name, tries] = *it;
        auto cookie = registry_.add(name);
        if (cookie)
            log_debug("network namespace " + name + " appeared (cookie " +
                      std::to_string(*cookie) + ")");
        it = cookie || ++tries >= tries_max ? pending_.erase(it) : std::next(it);
    }
}

void NetnsWatcher::stop()
{
    // Closed, not only cancelled: a loop may be between two waits; each checks it is open.
    boost::system::error_code ignored;
    inotify_.close(ignored);
    retry_.cancel();
    wake_.cancel();
}

}  // namespace bpftune
