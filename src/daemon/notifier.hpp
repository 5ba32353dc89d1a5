// Tells systemd how the daemon is doing: READY, STATUS, WATCHDOG pings, STOPPING.
// Without a NOTIFY_SOCKET every call is a no-op.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace bpftune {

class SystemdNotifier {
public:
    explicit SystemdNotifier(boost::asio::io_context& io);

    void ready(const std::string& status);
    void status(const std::string& status);
    void stopping();
    // Pings the watchdog at half its interval from the event loop, so a stuck loop stops the
    // pings and systemd restarts the daemon. Returns at once when no watchdog is set.
    boost::asio::awaitable<void> watchdog();
    void stop() { timer_.cancel(); stopped_ = true; }

private:
    boost::asio::steady_timer timer_;
    std::chrono::microseconds watchdog_interval_{0};
    std::string last_status_;
    bool stopped_ = false;
};

}  // namespace bpftune
