// The one BPF ring buffer every tuner writes to, read on the io_context when it is readable.
#pragma once

#include "bpf/bpf_handles.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "event/event_router.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <memory>

namespace bpftune {

class RingBufferSource {
public:
    static Result<std::unique_ptr<RingBufferSource>> create(boost::asio::io_context& io,
                                                            EventRouter& router,
                                                            std::uint32_t size_bytes);

    int map_fd() const { return map_fd_.get(); }
    // Drains records whenever the ring buffer's epoll fd is readable, until stop().
    boost::asio::awaitable<void> run();
    void stop();

private:
    RingBufferSource(boost::asio::io_context& io, EventRouter& router)
        : readable_(io), router_(router) {}
    static int on_record(void* self, void* data, std::size_t size);

    UniqueFd map_fd_;
    RingBufferPtr ring_;
    // Wraps a duplicate of libbpf's epoll fd: the descriptor closes its own copy only.
    boost::asio::posix::stream_descriptor readable_;
    EventRouter& router_;
};

}  // namespace bpftune
