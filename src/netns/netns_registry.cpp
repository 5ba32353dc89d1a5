#include "netns/netns_registry.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

namespace bpftune {
namespace {

// A rescan walks /proc; a burst of events from an unknown namespace must not repeat it.
constexpr auto min_rescan_gap = std::chrono::milliseconds(200);

Result<ino_t> inode_of(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return errno_error("stat " + path);
    return st.st_ino;
}

}  // namespace

Result<NetnsCookie> current_netns_cookie()
{
    UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return errno_error("socket for SO_NETNS_COOKIE");
    NetnsCookie cookie = 0;
    socklen_t len = sizeof cookie;
    if (::getsockopt(sock.get(), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) != 0)
        return errno_error("getsockopt SO_NETNS_COOKIE");
    return cookie;
}

Result<ScopedNetns> ScopedNetns::enter(int target_fd, int return_fd)
{
    if (::setns(target_fd, CLONE_NEWNET) != 0)
        return errno_error("setns into network namespace");
    return ScopedNetns(return_fd);
}

ScopedNetns::~ScopedNetns()
{
    if (return_fd_ >= 0 && ::setns(return_fd_, CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "bpftune: cannot return to the host network namespace: %s\n",
                     std::strerror(errno));
        std::abort();
    }
}

Result<NetnsRegistry> NetnsRegistry::create(std::filesystem::path proc_root,
                                            std::filesystem::path named_root)
{
    NetnsRegistry registry;
    registry.proc_root_ = std::move(proc_root);
    registry.named_root_ = std::move(named_root);
    const auto self = (registry.proc_root_ / "thread-self/ns/net").string();
    registry.host_fd_.reset(::open(self.c_str(), O_RDONLY | O_CLOEXEC));
    if (!registry.host_fd_)
        return errno_error("open " + self);
    auto cookie = current_netns_cookie();
    if (!cookie)
        return cookie.error();
    auto inode = inode_of(self);
    if (!inode)
        return inode.error();
    registry.host_cookie_ = *cookie;
    registry.host_inode_ = *inode;
    registry.entries_[*cookie] = NetnsEntry{self, "host", *inode};
    return registry;
}

Result<NetnsCookie> NetnsRegistry::learn(const std::string& path, std::string name)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno_error("open " + path);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return errno_error("stat " + path);
    if (st.st_ino == host_inode_)
        return host_cookie_;
    Result<NetnsCookie> cookie = Error{0, "no cookie"};
    {
        auto inside = ScopedNetns::enter(fd.get(), host_fd_.get());
        if (!inside)
            return Error{inside.error().code, inside.error().context + " " + path};
        cookie = current_netns_cookie();
    }
    if (!cookie)
        return cookie.error();
    auto& entry = entries_[*cookie];
    // A /run/netns name is better for people than a /proc path; keep the best one.
    if (entry.path.empty() || entry.path.starts_with(proc_root_.string()))
        entry = NetnsEntry{path, std::move(name), st.st_ino};
    return *cookie;
}

Result<NetnsCookie> NetnsRegistry::add(const std::string& name_or_path)
{
    if (name_or_path.find('/') == std::string::npos)
        return learn((named_root_ / name_or_path).string(), name_or_path);
    return learn(name_or_path, name_or_path);
}

bool netns_gone(const Error& error)
{
    return error.code == ENOENT || error.code == ESTALE;
}

NetnsRegistry::GoneListener NetnsRegistry::when_gone(std::function<void(NetnsCookie)> fn)
{
    const auto id = next_listener_id_++;
    gone_listeners_[id] = std::move(fn);
    return GoneListener(this, id);
}

void NetnsRegistry::forget(NetnsCookie cookie)
{
    if (cookie != host_cookie_ && entries_.erase(cookie))
        suspects_.insert(cookie);
}

void NetnsRegistry::refresh()
{
    if (!rescan())
        return;
    // After a full scan, a forgotten namespace that was not found again is really gone.
    auto gone = std::exchange(suspects_, {});
    for (NetnsCookie cookie : gone)
        if (!entries_.contains(cookie))
            for (const auto& [id, listener] : gone_listeners_)
                listener(cookie);
}

bool NetnsRegistry::rescan()
{
    const auto now = std::chrono::steady_clock::now();
    if (now - last_scan_ < min_rescan_gap)
        return false;
    last_scan_ = now;

    // Forget namespaces whose path is gone or now names another one.
    std::vector<NetnsCookie> stale;
    for (const auto& [cookie, entry] : entries_) {
        auto inode = inode_of(entry.path);
        if (cookie != host_cookie_ && (!inode || *inode != entry.inode))
            stale.push_back(cookie);
    }
    for (NetnsCookie cookie : stale)
        forget(cookie);
    std::map<ino_t, bool> seen;
    for (auto& [cookie, entry] : entries_)
        seen[entry.inode] = true;
    std::error_code ec;
    for (auto& dirent : std::filesystem::directory_iterator(named_root_, ec)) {
        auto inode = inode_of(dirent.path().string());
        if (inode && !seen[*inode]) {
            seen[*inode] = true;
            (void)learn(dirent.path().string(), dirent.path().filename().string());
        }
    }
    for (auto& dirent : std::filesystem::directory_iterator(proc_root_, ec)) {
        const auto pid = dirent.path().filename().string();
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const auto path = (dirent.path() / "ns/net").string();
        auto inode = inode_of(path);
        if (inode && !seen[*inode]) {
            seen[*inode] = true;
            (void)learn(path, path);
        }
    }
    return true;
}

const NetnsEntry* NetnsRegistry::find(NetnsCookie cookie)
{
    if (!entries_.contains(cookie))
        refresh();
    return known_entry(cookie);
}

const NetnsEntry* NetnsRegistry::known_entry(NetnsCookie cookie) const
{
    auto it = entries_.find(cookie);
    return it == entries_.end() ? nullptr : &it->second;
}

Result<void> NetnsRegistry::run_in(NetnsCookie cookie, const std::function<void()>& fn)
{
    if (cookie == host_cookie_) {
        fn();
        return {};
    }
    const NetnsEntry* entry = find(cookie);
    if (!entry)
        return Error{ENOENT, "network namespace with cookie " + std::to_string(cookie) +
                                 " is not known (gone?)"};
    UniqueFd fd(::open(entry->path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        auto err = errno_error("open " + entry->path);
        forget(cookie);
        return err;
    }
    auto inside = ScopedNetns::enter(fd.get(), host_fd_.get());
    if (!inside)
        return inside.error();
    // The path may now name another namespace (a pid or a name reused): check the cookie.
    auto actual = current_netns_cookie();
    if (!actual || *actual != cookie) {
        Error stale{ESTALE, entry->path + " no longer names network namespace cookie " +
                                std::to_string(cookie)};
        forget(cookie);
        return stale;
    }
    fn();
    return {};
}

void NetnsRegistry::forget_path(const std::string& path)
{
    std::vector<NetnsCookie> named;
    for (const auto& [cookie, entry] : entries_)
        if (entry.path == path)
            named.push_back(cookie);
    for (NetnsCookie cookie : named)
        forget(cookie);
}

std::string NetnsRegistry::path_of(NetnsCookie cookie)
{
    if (cookie == host_cookie_)
        return "";
    const NetnsEntry* entry = known_entry(cookie);
    return entry ? entry->path : "";
}

std::string NetnsRegistry::describe(NetnsCookie cookie)
{
    if (cookie == host_cookie_)
        return "host";
    if (const NetnsEntry* entry = known_entry(cookie))
        return entry->name;
    return "cookie " + std::to_string(cookie);
}

std::string NetnsRegistry::shell_prefix(NetnsCookie cookie)
{
    if (cookie == host_cookie_)
        return "";
    const NetnsEntry* entry = known_entry(cookie);
    if (!entry)
        return "# (namespace cookie " + std::to_string(cookie) + " no longer exists) ";
    if (entry->path.starts_with(named_root_.string()))
        return "ip netns exec " + entry->name + " ";
    return "nsenter --net=" + entry->path + " ";
}

}  // namespace bpftune
