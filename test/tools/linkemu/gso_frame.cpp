#include "gso_frame.hpp"

#include "vnet_header.hpp"

#include <algorithm>
#include <cstring>

namespace linkemu {
namespace {

constexpr std::size_t vnet_bytes = sizeof(vnet_header);
constexpr std::uint8_t tcp_protocol = 6;
constexpr std::uint8_t tcp_fin = 0x01, tcp_psh = 0x08, tcp_cwr = 0x80;

std::uint16_t load16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t load32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
void store16(std::uint8_t* p, std::uint16_t v) { p[0] = std::uint8_t(v >> 8); p[1] = std::uint8_t(v); }
void store32(std::uint8_t* p, std::uint32_t v) {
  store16(p, std::uint16_t(v >> 16));
  store16(p + 2, std::uint16_t(v));
}

// Ones' complement sum of big-endian 16-bit words (RFC 1071), not yet folded.
std::uint32_t sum_words(const std::uint8_t* p, std::size_t bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < bytes; i += 2) sum += load16(p + i);
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

vnet_header load_vnet(std::span<const std::uint8_t> whole) {
  vnet_header vnet{};
  std::memcpy(&vnet, whole.data(), vnet_bytes);  // host byte order: tun's legacy default
  return vnet;
}

// IP + TCP header bytes of a TCP aggregate, or 0 when the headers are not the plain kind.
std::uint32_t tcp_header_bytes(std::span<const std::uint8_t> ip, bool ipv6) {
  std::size_t ip_header = 0;
  if (!ipv6 && ip.size() >= 20 && ip[0] >> 4 == 4 && ip[9] == tcp_protocol) ip_header = (ip[0] & 0xf) * 4u;
  if (ipv6 && ip.size() >= 40 && ip[0] >> 4 == 6 && ip[6] == tcp_protocol) ip_header = 40;
  if (ip_header == 0 || ip.size() < ip_header + 20) return 0;
  std::size_t tcp_header = (ip[ip_header + 12] >> 4) * 4u;
  if (tcp_header < 20 || ip.size() < ip_header + tcp_header) return 0;
  return static_cast<std::uint32_t>(ip_header + tcp_header);
}

}  // namespace

std::uint64_t frame_layout::segment_wire_bytes(std::uint32_t index) const {
  if (!splittable) return wire_bytes;
  std::uint32_t start = index * mss_bytes;
  return header_bytes + std::min(mss_bytes, payload_bytes - start);
}

frame_layout inspect_frame(std::span<const std::uint8_t> whole) {
  frame_layout layout;
  layout.wire_bytes = whole.size() > vnet_bytes ? whole.size() - vnet_bytes : 0;
  if (whole.size() <= vnet_bytes) return layout;
  vnet_header vnet = load_vnet(whole);
  int gso = vnet.gso_type & ~vnet_gso_ecn;
  bool tcp_gso = gso == vnet_gso_tcpv4 || gso == vnet_gso_tcpv6;
  if (!tcp_gso || vnet.gso_size == 0 || !(vnet.flags & vnet_flag_needs_csum)) return layout;
  bool ipv6 = gso == vnet_gso_tcpv6;
  auto ip = whole.subspan(vnet_bytes);
  std::uint32_t headers = tcp_header_bytes(ip, ipv6);
  if (headers == 0 || ip.size() <= headers) return layout;
  layout.splittable = true;
  layout.ipv6 = ipv6;
  layout.header_bytes = headers;
  layout.payload_bytes = static_cast<std::uint32_t>(ip.size() - headers);
  layout.mss_bytes = vnet.gso_size;
  layout.segments = (layout.payload_bytes + layout.mss_bytes - 1) / layout.mss_bytes;
  layout.wire_bytes = layout.payload_bytes + std::uint64_t(layout.segments) * headers;
  return layout;
}

namespace {

void fix_vnet(std::uint8_t* out, const frame_layout& layout, std::uint32_t first, std::uint32_t end) {
  vnet_header vnet{};
  std::memcpy(&vnet, out, vnet_bytes);
  bool keeps_cwr = first == 0;
  if (!keeps_cwr) vnet.gso_type &= ~vnet_gso_ecn;
  if (end - first == 1) {  // a lone segment is an ordinary packet
    vnet.gso_type = vnet_gso_none;
    vnet.gso_size = 0;
  }
  vnet.hdr_len = static_cast<std::uint16_t>(layout.header_bytes);
  std::memcpy(out, &vnet, vnet_bytes);
}

// The checksum field of a CHECKSUM_PARTIAL packet holds the folded pseudo-header sum.
std::uint16_t pseudo_header_seed(const std::uint8_t* ip, bool ipv6, std::uint32_t tcp_bytes) {
  std::uint32_t sum = ipv6 ? sum_words(ip + 8, 32) : sum_words(ip + 12, 8);
  return fold(sum + tcp_protocol + (tcp_bytes >> 16) + (tcp_bytes & 0xffff));
}

void fix_ip(std::uint8_t* ip, const frame_layout& layout, std::uint32_t first, std::uint32_t ip_bytes) {
  if (layout.ipv6) {
    store16(ip + 4, static_cast<std::uint16_t>(ip_bytes - 40));
    return;
  }
  std::size_t ip_header = (ip[0] & 0xf) * 4u;
  store16(ip + 2, static_cast<std::uint16_t>(ip_bytes));
  store16(ip + 4, static_cast<std::uint16_t>(load16(ip + 4) + first));  // as the kernel numbers segments
  store16(ip + 10, 0);
  store16(ip + 10, static_cast<std::uint16_t>(~fold(sum_words(ip, ip_header))));
}

void fix_tcp(std::uint8_t* ip, const frame_layout& layout, std::uint32_t first, std::uint32_t end,
             std::uint32_t ip_bytes) {
  std::size_t ip_header = layout.ipv6 ? 40 : (ip[0] & 0xf) * 4u;
  std::uint8_t* tcp = ip + ip_header;
  store32(tcp + 4, load32(tcp + 4) + first * layout.mss_bytes);
  if (first != 0) tcp[13] &= static_cast<std::uint8_t>(~tcp_cwr);
  if (end != layout.segments) tcp[13] &= static_cast<std::uint8_t>(~(tcp_fin | tcp_psh));
  auto tcp_bytes = static_cast<std::uint32_t>(ip_bytes - ip_header);
  store16(tcp + 16, pseudo_header_seed(ip, layout.ipv6, tcp_bytes));
}

}  // namespace

frame cut_segments(std::span<const std::uint8_t> whole, const frame_layout& layout,
                   std::uint32_t first, std::uint32_t end) {
  std::uint32_t payload_start = first * layout.mss_bytes;
  std::uint32_t payload_end = std::min(end * layout.mss_bytes, layout.payload_bytes);
  std::size_t head_bytes = vnet_bytes + layout.header_bytes;
  frame out(head_bytes + (payload_end - payload_start));
  std::memcpy(out.data(), whole.data(), head_bytes);
  std::memcpy(out.data() + head_bytes, whole.data() + head_bytes + payload_start, payload_end - payload_start);
  auto ip_bytes = static_cast<std::uint32_t>(out.size() - vnet_bytes);
  fix_vnet(out.data(), layout, first, end);
  fix_ip(out.data() + vnet_bytes, layout, first, ip_bytes);
  fix_tcp(out.data() + vnet_bytes, layout, first, end, ip_bytes);
  return out;
}

}  // namespace linkemu
