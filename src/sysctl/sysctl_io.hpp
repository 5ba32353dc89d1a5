// Reads and writes /proc/sys in the calling thread's current network namespace.
#pragma once

#include "core/error.hpp"
#include "sysctl/sysctl_value.hpp"

#include <filesystem>
#include <string_view>

namespace bpftune {

// proc_sys_root is "/proc/sys" in the daemon and a fixture directory in tests.
class SysctlFiles {
public:
    explicit SysctlFiles(std::filesystem::path proc_sys_root = "/proc/sys")
        : root_(std::move(proc_sys_root)) {}

    Result<SysctlValue> read(std::string_view name) const;
    // Writes in one write(2) so the kernel parses the whole value at once; the kernel's
    // refusal (EINVAL, EPERM, EROFS) comes back as the Error's code.
    Result<void> write(std::string_view name, const SysctlValue& value) const;
    bool exists(std::string_view name) const;

private:
    std::filesystem::path root_;
};

}  // namespace bpftune
