// A frame as read from or written to the TUN devices: a virtio-net header, then one IP packet.
// With offloads on, one frame may be a TCP aggregate that stands for many segments on the wire;
// these functions count those segments and cut an aggregate into runs of them, so that loss,
// queue limits and reordering act on segments as a real link would.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace linkemu {

using frame = std::vector<std::uint8_t>;

struct frame_layout {
  std::uint32_t segments = 1;      // packets this frame would be on the wire
  std::uint64_t wire_bytes = 0;    // IP bytes of those packets, headers counted per packet
  bool splittable = false;         // a TCP aggregate whose headers we understand
  bool ipv6 = false;
  std::uint32_t header_bytes = 0;  // IP + TCP header bytes (splittable frames only)
  std::uint32_t payload_bytes = 0;
  std::uint32_t mss_bytes = 0;

  std::uint64_t segment_wire_bytes(std::uint32_t index) const;
};

// Never fails: a frame it does not understand counts as one packet of its own size.
frame_layout inspect_frame(std::span<const std::uint8_t> whole);

// The frame carrying segments [first, end) of a splittable frame, with IP length and ID, TCP
// sequence number, flags and checksum seed fixed up as the kernel's own segmentation does.
frame cut_segments(std::span<const std::uint8_t> whole, const frame_layout& layout,
                   std::uint32_t first, std::uint32_t end);

}  // namespace linkemu
