#include "netns.hpp"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace linkemu {
namespace {

unique_fd open_or_throw(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::system_error(errno, std::generic_category(), "open " + path);
  return fd;
}

}  // namespace

std::string netns_path(std::string_view name_or_path) {
  if (name_or_path.find('/') != std::string_view::npos) return std::string(name_or_path);
  return "/run/netns/" + std::string(name_or_path);
}

unique_fd open_netns(std::string_view name_or_path) {
  return open_or_throw(netns_path(name_or_path));
}

netns_scope::netns_scope(const unique_fd& target)
    : original_(open_or_throw("/proc/thread-self/ns/net")) {
  if (::setns(target.get(), CLONE_NEWNET) != 0)
    throw std::system_error(errno, std::generic_category(), "setns");
}

netns_scope::~netns_scope() {
  // Staying in the wrong namespace would silently create the next device in it: stop instead.
  if (::setns(original_.get(), CLONE_NEWNET) != 0) {
    std::perror("bpftune-linkemu: setns back to the original namespace");
    std::abort();
  }
}

}  // namespace linkemu
