// The virtio-net header that precedes every frame on a TUN device opened with IFF_VNET_HDR.
// Declared here because <linux/virtio_net.h> does not compile as C++ (a field named `class`).
// Layout and values are the kernel ABI (struct virtio_net_hdr); host byte order on TUN.
#pragma once

#include <cstdint>

namespace linkemu {

struct vnet_header {
  std::uint8_t flags;
  std::uint8_t gso_type;
  std::uint16_t hdr_len;      // length of the headers; a hint for the kernel's copy
  std::uint16_t gso_size;     // payload bytes per segment (the MSS)
  std::uint16_t csum_start;   // where the checksum starts, from the IP header
  std::uint16_t csum_offset;  // where the checksum goes, from csum_start
};
static_assert(sizeof(vnet_header) == 10);

constexpr std::uint8_t vnet_flag_needs_csum = 1;
constexpr std::uint8_t vnet_gso_none = 0;
constexpr std::uint8_t vnet_gso_tcpv4 = 1;
constexpr std::uint8_t vnet_gso_tcpv6 = 4;
constexpr std::uint8_t vnet_gso_ecn = 0x80;

}  // namespace linkemu
