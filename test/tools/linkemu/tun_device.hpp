// One TUN device in a network namespace, opened with a virtio-net header so the kernel may hand
// over (and take back) TCP segmentation-offload aggregates of up to 64 KiB.
#pragma once

#include <string>

#include "core/unique_fd.hpp"

namespace linkemu {

using unique_fd = bpftune::UniqueFd;  // the daemon's, header-only

struct tun_settings {
  std::string name;    // device name inside the namespace
  unsigned mtu_bytes;  // IP MTU of the device
  bool offload;        // TSO/checksum offload: GSO aggregates instead of MTU-sized packets
};

// Creates the device inside `netns`, sets its MTU and brings it up. The device is not
// persistent: it disappears when the returned fd is closed.
unique_fd open_tun(const unique_fd& netns, const tun_settings& settings);

}  // namespace linkemu
