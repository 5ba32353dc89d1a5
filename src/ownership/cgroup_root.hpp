// The root of the cgroup v2 hierarchy, where cgroup programs see every process.
#pragma once

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace bpftune {

// The mount point of the first cgroup2 file system in a /proc/self/mountinfo text.
std::optional<std::string> find_cgroup2_mount(std::string_view mountinfo);

// An open cgroup v2 root; mounts one under the run directory if the system has none, and
// unmounts it again when done.
class CgroupRoot {
public:
    static Result<CgroupRoot> open(const std::string& fallback_dir);
    // Moved, the duty to unmount moves along: the moved-from root unmounts nothing.
    CgroupRoot(CgroupRoot&& other) noexcept
        : fd_(std::move(other.fd_)), path_(std::move(other.path_)),
          mounted_by_us_(std::exchange(other.mounted_by_us_, false))
    {
    }
    CgroupRoot& operator=(CgroupRoot&&) = delete;
    ~CgroupRoot();

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

private:
    CgroupRoot() = default;
    UniqueFd fd_;
    std::string path_;
    bool mounted_by_us_ = false;
};

}  // namespace bpftune
