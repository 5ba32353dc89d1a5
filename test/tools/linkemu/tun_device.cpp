#include "tun_device.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "netns.hpp"
#include "vnet_header.hpp"

namespace linkemu {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

ifreq named_ifreq(const std::string& name) {
  ifreq request{};
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return request;
}

unique_fd create_tun(const tun_settings& settings) {
  unique_fd tun(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!tun) throw_errno("open /dev/net/tun");
  ifreq request = named_ifreq(settings.name);
  request.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
  if (::ioctl(tun.get(), TUNSETIFF, &request) != 0) throw_errno("TUNSETIFF " + settings.name);
  int header_bytes = sizeof(vnet_header);
  if (::ioctl(tun.get(), TUNSETVNETHDRSZ, &header_bytes) != 0) throw_errno("TUNSETVNETHDRSZ");
  // ECN is included so connections that negotiate ECN still get aggregates.
  unsigned offloads = settings.offload ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN : 0;
  if (::ioctl(tun.get(), TUNSETOFFLOAD, offloads) != 0) throw_errno("TUNSETOFFLOAD");
  return tun;
}

// Packets should wait (and drop, counted) in the emulator's queue, not in the TUN device's ring
// when the emulator falls behind for a moment; 500 (the default) overflows at ~40k packets/s.
constexpr int tun_ring_packets = 10000;

void configure_link(const tun_settings& settings) {
  unique_fd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!control) throw_errno("socket");
  ifreq request = named_ifreq(settings.name);
  request.ifr_mtu = static_cast<int>(settings.mtu_bytes);
  if (::ioctl(control.get(), SIOCSIFMTU, &request) != 0) throw_errno("set MTU of " + settings.name);
  request = named_ifreq(settings.name);
  request.ifr_qlen = tun_ring_packets;
  if (::ioctl(control.get(), SIOCSIFTXQLEN, &request) != 0) throw_errno("set txqueuelen of " + settings.name);
  request = named_ifreq(settings.name);
  if (::ioctl(control.get(), SIOCGIFFLAGS, &request) != 0) throw_errno("get flags of " + settings.name);
  request.ifr_flags |= IFF_UP;
  if (::ioctl(control.get(), SIOCSIFFLAGS, &request) != 0) throw_errno("bring up " + settings.name);
}

}  // namespace

unique_fd open_tun(const unique_fd& netns, const tun_settings& settings) {
  netns_scope inside(netns);
  unique_fd tun = create_tun(settings);
  configure_link(settings);
  return tun;
}

}  // namespace linkemu
