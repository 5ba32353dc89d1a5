// The command line of bpftune-linkemu.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "impairment.hpp"

namespace linkemu {

struct emulator_options {
  std::string netns_a, netns_b;    // namespace names (/run/netns) or paths
  std::string device_a, device_b;  // TUN device names inside them
  unsigned mtu_bytes = 1500;
  bool offload = true;
  impairment a_to_b, b_to_a;
  std::uint64_t seed = 0;
  std::string ready_file;          // written once both devices are up
  int realtime_priority = 0;       // SCHED_FIFO priority; 0: ordinary scheduling
};

// A bad command line; what() is one line for the user.
struct options_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Returns nullopt when --help was asked for (and printed to `help_out`).
std::optional<emulator_options> parse_options(int argc, const char* const argv[], std::ostream& help_out);

}  // namespace linkemu
