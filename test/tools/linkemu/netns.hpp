// Entering another network namespace for a short while, and coming back.
#pragma once

#include <string>
#include <string_view>

#include "core/unique_fd.hpp"

namespace linkemu {

using unique_fd = bpftune::UniqueFd;  // the daemon's, header-only

// A name means /run/netns/<name> (as made by `ip netns add`); anything with a '/' is a path.
std::string netns_path(std::string_view name_or_path);

// Opens a namespace file; throws std::system_error naming the path.
unique_fd open_netns(std::string_view name_or_path);

// While alive, the calling thread is in the target namespace; the destructor returns it to the
// namespace it was in, so every early exit (exception included) comes back.
class netns_scope {
 public:
  explicit netns_scope(const unique_fd& target);
  netns_scope(const netns_scope&) = delete;
  netns_scope& operator=(const netns_scope&) = delete;
  ~netns_scope();

 private:
  unique_fd original_;
};

}  // namespace linkemu
