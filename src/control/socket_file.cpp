#include "control/socket_file.hpp"

#include "core/paths.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bpftune {
namespace {

Result<sockaddr_un> socket_address(const std::filesystem::path& path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path.string();
    if (text.size() >= sizeof address.sun_path)
        return Error{ENAMETOOLONG, "socket path " + text};
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
    return address;
}

Result<void> make_directory(const std::filesystem::path& directory)
{
    if (::mkdir(directory.c_str(), 0755) == 0)
        return ::chmod(directory.c_str(), 0755) == 0 ? Result<void>{}
                                                     : errno_error("chmod " + directory.string());
    if (errno == EEXIST)
        return {};
    return errno_error("create directory " + directory.string());
}

Result<void> clear_stale(const std::filesystem::path& path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return errno == ENOENT ? Result<void>{} : errno_error("stat " + path.string());
    if (!S_ISSOCK(st.st_mode))
        return Error{EEXIST, path.string() + " exists and is not a socket; not replacing it"};
    // Someone accepts connections on it: another bpftune is running.
    if (connect_unix(path))
        return Error{EADDRINUSE, "another bpftune answers on " + path.string()};
    if (::unlink(path.c_str()) != 0)
        return errno_error("remove stale socket " + path.string());
    return {};
}

Result<void> bind_private(int fd, const std::filesystem::path& path, const sockaddr_un& address)
{
    // The file is created 0600 from the start: no moment where others may connect.
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int bind_errno = errno;
    ::umask(old_mask);
    if (bound != 0) {
        errno = bind_errno;
        return errno_error("bind " + path.string());
    }
    if (::chmod(path.c_str(), 0600) != 0)
        return errno_error("chmod " + path.string());
    return {};
}

}  // namespace

Result<UniqueFd> connect_unix(const std::filesystem::path& path)
{
    auto address = socket_address(path);
    if (!address)
        return address.error();
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        return errno_error("socket for " + path.string());
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0)
        return errno_error("connect to " + path.string());
    return fd;
}

std::filesystem::path query_socket_path()
{
    return run_directory() / "bpftune.sock";
}

Result<ListeningSocket> listen_on_socket_file(const std::filesystem::path& path, int backlog)
{
    auto address = socket_address(path);
    if (!address)
        return address.error();
    if (auto made = make_directory(path.parent_path()); !made)
        return made.error();
    if (auto cleared = clear_stale(path); !cleared)
        return cleared.error();
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd)
        return errno_error("socket for " + path.string());
    if (auto bound = bind_private(fd.get(), path, *address); !bound)
        return bound.error();
    if (::listen(fd.get(), backlog) != 0)
        return errno_error("listen on " + path.string());
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return errno_error("stat " + path.string());
    return ListeningSocket{std::move(fd), st.st_ino};
}

void remove_socket_file(const std::filesystem::path& path, ino_t inode)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && st.st_ino == inode)
        ::unlink(path.c_str());
}

}  // namespace bpftune
