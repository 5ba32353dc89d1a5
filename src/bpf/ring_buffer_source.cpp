#include "bpf/ring_buffer_source.hpp"

#include "log/log.hpp"

#include <bpf/bpf.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>

namespace bpftune {

Result<std::unique_ptr<RingBufferSource>> RingBufferSource::create(boost::asio::io_context& io,
                                                                   EventRouter& router,
                                                                   std::uint32_t size_bytes)
{
    std::unique_ptr<RingBufferSource> source(new RingBufferSource(io, router));
    source->map_fd_.reset(
        bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bpftune_events", 0, 0, size_bytes, nullptr));
    if (!source->map_fd_)
        return errno_error("create the BPF ring buffer");
    source->ring_.reset(
        ring_buffer__new(source->map_fd_.get(), &RingBufferSource::on_record, source.get(), nullptr));
    if (!source->ring_)
        return errno_error("set up the BPF ring buffer reader");
    const int epoll_copy = ::dup(ring_buffer__epoll_fd(source->ring_.get()));
    if (epoll_copy < 0)
        return errno_error("duplicate the ring buffer's epoll fd");
    source->readable_.assign(epoll_copy);
    return source;
}

int RingBufferSource::on_record(void* self, void* data, std::size_t size)
{
    auto* source = static_cast<RingBufferSource*>(self);
    source->router_.dispatch(RawRecord(static_cast<const std::byte*>(data), size));
    return 0;
}

boost::asio::awaitable<void> RingBufferSource::run()
{
    using boost::asio::as_tuple;
    using boost::asio::use_awaitable;
    for (;;) {
        auto [ec] = co_await readable_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                                  as_tuple(use_awaitable));
        if (ec)
            co_return;  // cancelled at shutdown
        int consumed = ring_buffer__consume(ring_.get());
        if (consumed < 0 && consumed != -EINTR)
            log_warning("reading the BPF ring buffer failed: error " + std::to_string(-consumed));
    }
}

void RingBufferSource::stop()
{
    boost::system::error_code ignored;
    readable_.cancel(ignored);
}

}  // namespace bpftune
