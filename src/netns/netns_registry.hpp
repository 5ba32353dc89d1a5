// Knows network namespaces by cookie and runs code inside one of them.
//
// It keeps a path per namespace (/run/netns/NAME or /proc/PID/ns/net), not an open fd: an fd
// would keep a deleted namespace alive. Every entry is verified by cookie when entered, so a
// recycled path or inode can never redirect a write to the wrong namespace.
#pragma once

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <string>

namespace bpftune {

using NetnsCookie = std::uint64_t;

struct NetnsEntry {
    std::string path;   // how to open it again
    std::string name;   // "host", the /run/netns name, or the path
    ino_t inode = 0;
};

class NetnsRegistry {
public:
    // Opens the calling process's namespace as the host namespace.
    static Result<NetnsRegistry> create(std::filesystem::path proc_root = "/proc",
                                        std::filesystem::path named_root = "/run/netns");

    NetnsCookie host_cookie() const { return host_cookie_; }

    // Registers a namespace given as a name under /run/netns or a path; returns its cookie.
    Result<NetnsCookie> add(const std::string& name_or_path);

    // Runs fn inside the namespace with this cookie and returns to the host namespace.
    Result<void> run_in(NetnsCookie cookie, const std::function<void()>& fn);

    // These three never scan: what is not known now is described as unknown.
    // "host", "ns-a" (a /run/netns name), a path, or "cookie N" when unknown.
    std::string describe(NetnsCookie cookie);
    // Shell prefix that enters the namespace: "" for the host, "ip netns exec NAME ".
    std::string shell_prefix(NetnsCookie cookie);

    bool known(NetnsCookie cookie) const { return entries_.contains(cookie); }
    // Known, after a scan if needed (at most every 200 ms).
    bool lookup(NetnsCookie cookie) { return find(cookie) != nullptr; }
    // Drops what is known under that path (the namespace file was removed); whether the
    // namespace itself is gone is decided by the next refresh().
    void forget_path(const std::string& path);
    // Rescans (at most every 200 ms) and tells the gone-listeners about namespaces that no
    // path reaches any more.
    void refresh();

    // Calls fn(cookie) for each namespace found gone, while the returned object lives.
    class GoneListener {
    public:
        GoneListener() = default;
        GoneListener(NetnsRegistry* registry, std::size_t id) : registry_(registry), id_(id) {}
        GoneListener(GoneListener&& other) noexcept
            : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
        GoneListener& operator=(GoneListener&& other) noexcept
        {
            std::swap(registry_, other.registry_);
            std::swap(id_, other.id_);
            return *this;
        }
        ~GoneListener()
        {
            if (registry_)
                registry_->gone_listeners_.erase(id_);
        }

    private:
        NetnsRegistry* registry_ = nullptr;
        std::size_t id_ = 0;
    };
    [[nodiscard]] GoneListener when_gone(std::function<void(NetnsCookie)> fn);
    // The path that enters it again; "" for the host and for unknown namespaces.
    std::string path_of(NetnsCookie cookie);
    std::size_t size() const { return entries_.size(); }

private:
    NetnsRegistry() = default;
    const NetnsEntry* find(NetnsCookie cookie);
    const NetnsEntry* known_entry(NetnsCookie cookie) const;
    bool rescan();
    void forget(NetnsCookie cookie);
    Result<NetnsCookie> learn(const std::string& path, std::string name);

    std::filesystem::path proc_root_;
    std::filesystem::path named_root_;
    UniqueFd host_fd_;
    NetnsCookie host_cookie_ = 0;
    ino_t host_inode_ = 0;
    std::map<NetnsCookie, NetnsEntry> entries_;
    std::chrono::steady_clock::time_point last_scan_{};
    std::set<NetnsCookie> suspects_;  // forgotten since the last scan; gone unless found again
    std::map<std::size_t, std::function<void(NetnsCookie)>> gone_listeners_;
    std::size_t next_listener_id_ = 0;
};

// A namespace that has gone away reads as ENOENT (no path) or ESTALE (path reused).
bool netns_gone(const Error& error);

// The cookie of the namespace the calling thread is in (SO_NETNS_COOKIE).
Result<NetnsCookie> current_netns_cookie();

// Enters a namespace for the lifetime of the object; aborts if it cannot return, because
// staying in the wrong namespace would make every later write wrong.
class ScopedNetns {
public:
    static Result<ScopedNetns> enter(int target_fd, int return_fd);
    ScopedNetns(ScopedNetns&& other) noexcept : return_fd_(std::exchange(other.return_fd_, -1)) {}
    ScopedNetns(const ScopedNetns&) = delete;
    ScopedNetns& operator=(const ScopedNetns&) = delete;
    ScopedNetns& operator=(ScopedNetns&&) = delete;
    ~ScopedNetns();

private:
    explicit ScopedNetns(int return_fd) : return_fd_(return_fd) {}
    int return_fd_ = -1;
};

}  // namespace bpftune
