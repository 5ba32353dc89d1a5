// bpftune-linkemu: joins two network namespaces through TUN devices and forwards IP packets
// between them with delay, jitter, loss, reordering and a rate limit. See options.cpp.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <fstream>
#include <iostream>

#include "emulated_link.hpp"
#include "netns.hpp"
#include "options.hpp"
#include "realtime.hpp"
#include "tun_device.hpp"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

void announce_ready(const linkemu::emulator_options& options) {
  if (!options.ready_file.empty()) {
    std::ofstream ready(options.ready_file);
    ready << "ready\n";
    if (!ready) throw std::runtime_error("cannot write " + options.ready_file);
  }
  std::cout << "ready\n" << std::flush;
}

int run(const linkemu::emulator_options& options) {
  // Devices first: they exist, up, before anyone is told we are ready.
  auto netns_a = linkemu::open_netns(options.netns_a);
  auto netns_b = linkemu::open_netns(options.netns_b);
  auto tun_a = linkemu::open_tun(netns_a, {options.device_a, options.mtu_bytes, options.offload});
  auto tun_b = linkemu::open_tun(netns_b, {options.device_b, options.mtu_bytes, options.offload});

  if (options.realtime_priority > 0) linkemu::run_realtime(options.realtime_priority);
  boost::asio::io_context io(1);
  linkemu::emulated_link link(io, std::move(tun_a), std::move(tun_b), options);
  std::exception_ptr failure;
  boost::asio::co_spawn(io, link.run(), [&failure](std::exception_ptr e) { failure = e; });
  announce_ready(options);
  io.run();
  std::cout << link.stats_report() << std::flush;
  if (failure) std::rethrow_exception(failure);
  return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  std::optional<linkemu::emulator_options> options;
  try {
    options = linkemu::parse_options(argc, argv, std::cout);
  } catch (const std::exception& error) {
    std::cerr << "bpftune-linkemu: " << error.what() << "\n";
    return exit_usage;
  }
  if (!options) return 0;
  try {
    return run(*options);
  } catch (const std::exception& error) {
    std::cerr << "bpftune-linkemu: " << error.what() << "\n";
    return exit_failure;
  }
}
