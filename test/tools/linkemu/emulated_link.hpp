// The running emulator: two TUN devices and the two directions between them, on one
// io_context. Each direction has a receiver (reads frames as they come) and a releaser (wakes
// when the rate limit or the delay lets the next frame go).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "direction.hpp"
#include "options.hpp"
#include "core/unique_fd.hpp"

namespace linkemu {

using unique_fd = bpftune::UniqueFd;  // the daemon's, header-only

class emulated_link {
 public:
  emulated_link(boost::asio::io_context& io, unique_fd tun_a, unique_fd tun_b, const emulator_options& options);

  // Forwards until SIGINT or SIGTERM; SIGUSR1 prints the statistics and goes on.
  boost::asio::awaitable<void> run();
  std::string stats_report() const;

 private:
  struct lane {
    std::string name;
    direction packets;
    boost::asio::posix::stream_descriptor& from;
    boost::asio::posix::stream_descriptor& to;
    boost::asio::steady_timer wake;
    bool write_error_reported = false;
  };

  boost::asio::awaitable<void> receive(lane& lane);
  boost::asio::awaitable<void> release(lane& lane);
  boost::asio::awaitable<void> until_stopped();
  void after_work(lane& lane);
  static transmit_fn writer_for(lane& lane);

  boost::asio::posix::stream_descriptor tun_a_, tun_b_;
  boost::asio::signal_set signals_;
  std::uint64_t seed_;
  lane a_to_b_, b_to_a_;
};

}  // namespace linkemu
