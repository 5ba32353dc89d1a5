#include "emulated_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <system_error>
#include <unistd.h>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace linkemu {
namespace {

// A 64 KiB IP aggregate plus the virtio-net header, with room to spare.
constexpr std::size_t max_frame_bytes = 128 * 1024;
// Frames read per wake-up before the other direction gets a turn.
constexpr int frames_per_turn = 64;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

asio::steady_timer::time_point as_time_point(std::int64_t ns) {
  return asio::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

// Reads one frame; an empty frame means nothing is waiting.
frame read_frame(int fd, std::vector<std::uint8_t>& buffer) {
  for (;;) {
    ssize_t bytes = ::read(fd, buffer.data(), buffer.size());
    if (bytes >= 0) return frame(buffer.begin(), buffer.begin() + bytes);
    if (errno == EAGAIN) return {};
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "read from TUN device");
  }
}

}  // namespace

// Refused frames are counted in the statistics; the first one's reason is told once per lane.
transmit_fn emulated_link::writer_for(lane& lane) {
  return [&lane](std::span<const std::uint8_t> data) {
    if (::write(lane.to.native_handle(), data.data(), data.size()) == static_cast<ssize_t>(data.size()))
      return true;
    if (!lane.write_error_reported) {
      std::cerr << "bpftune-linkemu: warning: " << lane.name << ": a frame of " << data.size()
                << " bytes was refused: " << std::strerror(errno) << " (counted in write_error_frames)\n";
      lane.write_error_reported = true;
    }
    return false;
  };
}

emulated_link::emulated_link(asio::io_context& io, unique_fd tun_a, unique_fd tun_b,
                             const emulator_options& options)
    : tun_a_(io, tun_a.release()),
      tun_b_(io, tun_b.release()),
      signals_(io, SIGINT, SIGTERM, SIGUSR1),
      seed_(options.seed),
      a_to_b_{"a->b", direction(options.a_to_b, options.seed, 1, options.mtu_bytes), tun_a_, tun_b_,
              asio::steady_timer(io)},
      b_to_a_{"b->a", direction(options.b_to_a, options.seed, 2, options.mtu_bytes), tun_b_, tun_a_,
              asio::steady_timer(io)} {}

// Wakes the releaser early when the frames just handled are due sooner than it planned.
void emulated_link::after_work(lane& lane) {
  lane.packets.service(now_ns(), writer_for(lane));
  auto next = lane.packets.next_wake_ns();
  if (next && as_time_point(*next) < lane.wake.expiry()) lane.wake.cancel();
}

asio::awaitable<void> emulated_link::receive(lane& lane) {
  std::vector<std::uint8_t> buffer(max_frame_bytes);
  for (;;) {
    co_await lane.from.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
    for (int i = 0; i < frames_per_turn; ++i) {
      frame data = read_frame(lane.from.native_handle(), buffer);
      if (data.empty()) break;
      lane.packets.arrive(std::move(data), now_ns());
    }
    after_work(lane);
  }
}

asio::awaitable<void> emulated_link::release(lane& lane) {
  auto cancellation = co_await asio::this_coro::cancellation_state;
  transmit_fn transmit = writer_for(lane);
  while (cancellation.cancelled() == asio::cancellation_type::none) {
    lane.packets.service(now_ns(), transmit);
    auto next = lane.packets.next_wake_ns();
    lane.wake.expires_at(next ? as_time_point(*next) : asio::steady_timer::time_point::max());
    // Cancelled either by receive() (new work, plan again) or by shutdown (loop ends).
    co_await lane.wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> emulated_link::until_stopped() {
  for (;;) {
    int signal = co_await signals_.async_wait(asio::use_awaitable);
    if (signal != SIGUSR1) co_return;
    std::cout << stats_report() << std::flush;
  }
}

asio::awaitable<void> emulated_link::run() {
  co_await ((receive(a_to_b_) && release(a_to_b_) && receive(b_to_a_) && release(b_to_a_)) ||
            until_stopped());
}

std::string emulated_link::stats_report() const {
  return "stats seed=" + std::to_string(seed_) + "\n" + format_stats(a_to_b_.name, a_to_b_.packets.stats()) +
         "\n" + format_stats(b_to_a_.name, b_to_a_.packets.stats()) + "\n";
}

}  // namespace linkemu
