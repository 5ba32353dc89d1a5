#include "daemon/notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <systemd/sd-daemon.h>

namespace bpftune {

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io) : timer_(io)
{
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0)
        watchdog_interval_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready(const std::string& status)
{
    last_status_ = status;
    sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void SystemdNotifier::status(const std::string& status)
{
    if (status == last_status_)
        return;
    last_status_ = status;
    sd_notify(0, ("STATUS=" + status).c_str());
}

void SystemdNotifier::stopping()
{
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

boost::asio::awaitable<void> SystemdNotifier::watchdog()
{
    if (watchdog_interval_.count() == 0)
        co_return;
    while (!stopped_) {
        sd_notify(0, "WATCHDOG=1");
        timer_.expires_after(watchdog_interval_ / 2);
        auto [ec] = co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            co_return;
    }
}

}  // namespace bpftune
