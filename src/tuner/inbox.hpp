// A tuner's queue of typed events. The producer (the event router, on the same thread)
// offers events without waiting; the tuner's coroutine awaits the next one or a timeout.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <variant>

namespace bpftune {

struct InboxTimeout {};
struct InboxClosed {};

template <class Event>
using InboxNext = std::variant<Event, InboxTimeout, InboxClosed>;

template <class Event>
class Inbox {
public:
    Inbox(const boost::asio::any_io_executor& executor, std::size_t capacity)
        : channel_(executor, capacity), timer_(executor) {}

    // False when the inbox is full (the event is dropped and counted) or closed.
    bool offer(Event event)
    {
        if (channel_.try_send(boost::system::error_code{}, std::move(event)))
            return true;
        ++dropped_;
        return false;
    }

    // The next event, or InboxTimeout after `timeout`, or InboxClosed once close() was called.
    boost::asio::awaitable<InboxNext<Event>> next(std::chrono::steady_clock::duration timeout)
    {
        using namespace boost::asio::experimental::awaitable_operators;
        using boost::asio::as_tuple;
        using boost::asio::use_awaitable;
        if (closed_)
            co_return InboxClosed{};
        timer_.expires_after(timeout);
        auto first = co_await (channel_.async_receive(as_tuple(use_awaitable)) ||
                               timer_.async_wait(as_tuple(use_awaitable)));
        if (first.index() == 0) {
            auto [ec, event] = std::get<0>(std::move(first));
            if (ec)
                co_return InboxClosed{};
            co_return std::move(event);
        }
        if (closed_)
            co_return InboxClosed{};
        co_return InboxTimeout{};
    }

    void close()
    {
        closed_ = true;
        channel_.close();
        timer_.cancel();
    }

    std::uint64_t dropped() const { return dropped_; }

private:
    boost::asio::experimental::channel<void(boost::system::error_code, Event)> channel_;
    boost::asio::steady_timer timer_;
    bool closed_ = false;
    std::uint64_t dropped_ = 0;
};

}  // namespace bpftune
