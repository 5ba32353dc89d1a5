#include "ownership/cgroup_root.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace bpftune {

std::optional<std::string> find_cgroup2_mount(std::string_view mountinfo)
{
    std::istringstream lines{std::string(mountinfo)};
    std::string line;
    while (std::getline(lines, line)) {
        // Fields: id parent major:minor root mountpoint options [optional...] - fstype source
        const auto separator = line.find(" - ");
        if (separator == std::string::npos)
            continue;
        std::istringstream after(line.substr(separator + 3));
        std::string fstype;
        after >> fstype;
        if (fstype != "cgroup2")
            continue;
        std::istringstream before(line.substr(0, separator));
        std::string id, parent, device, root, mount_point;
        before >> id >> parent >> device >> root >> mount_point;
        if (root == "/")
            return mount_point;
    }
    return std::nullopt;
}

Result<CgroupRoot> CgroupRoot::open(const std::string& fallback_dir)
{
    CgroupRoot root;
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::stringstream text;
    text << mountinfo.rdbuf();
    if (auto mount_point = find_cgroup2_mount(text.str())) {
        root.path_ = *mount_point;
    } else {
        ::mkdir(fallback_dir.c_str(), 0700);
        if (::mount("none", fallback_dir.c_str(), "cgroup2", 0, nullptr) != 0)
            return errno_error("mount a cgroup2 hierarchy on " + fallback_dir);
        root.path_ = fallback_dir;
        root.mounted_by_us_ = true;
    }
    root.fd_.reset(::open(root.path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.fd_)
        return errno_error("open cgroup2 root " + root.path_);
    return root;
}

CgroupRoot::~CgroupRoot()
{
    fd_.reset();
    if (mounted_by_us_) {
        ::umount2(path_.c_str(), MNT_DETACH);
        ::rmdir(path_.c_str());
    }
}

}  // namespace bpftune
