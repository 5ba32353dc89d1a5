#include "sysctl/sysctl_io.hpp"

#include "core/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace bpftune {

Result<SysctlValue> SysctlFiles::read(std::string_view name) const
{
    const auto path = root_ / sysctl_relative_path(name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno_error("open " + path.string());
    std::string text;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno_error("read " + path.string());
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return parse_sysctl_value(text);
}

Result<void> SysctlFiles::write(std::string_view name, const SysctlValue& value) const
{
    const auto path = root_ / sysctl_relative_path(name);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd)
        return errno_error("open " + path.string() + " for writing");
    const std::string text = value.format() + "\n";
    ssize_t n;
    do {
        n = ::write(fd.get(), text.data(), text.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno_error("write \"" + value.format() + "\" to " + path.string());
    if (static_cast<std::size_t>(n) != text.size())
        return Error{EIO, "short write of \"" + value.format() + "\" to " + path.string()};
    return {};
}

bool SysctlFiles::exists(std::string_view name) const
{
    return ::access((root_ / sysctl_relative_path(name)).c_str(), F_OK) == 0;
}

}  // namespace bpftune
