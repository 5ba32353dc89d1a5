// drop_unneeded_capabilities() as root: what the daemon can still do after the drop, and what
// it no longer can. Each case runs in a child process so the runner keeps its capabilities.
#include "daemon/capabilities.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what)
{
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
    if (!ok)
        ++failures;
}

std::string status_field(const std::string& name)
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with(name + ":"))
            return line.substr(line.find_first_not_of(" \t", name.size() + 1));
    return "";
}

// Runs fn in a child; the child's failures count as the parent's.
void in_child(const char* name, const std::function<void()>& fn)
{
    std::printf("-- %s\n", name);
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid == 0) {
        failures = 0;
        fn();
        std::fflush(stdout);
        std::_Exit(failures == 0 ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        ++failures;
}

std::uint64_t kept_mask()
{
    std::uint64_t mask = 0;
    for (const auto& kept : bpftune::kept_capabilities())
        mask |= std::uint64_t{1} << kept.capability;
    return mask;
}

void after_drop()
{
    const pid_t holder = ::fork();
    if (holder == 0) {
        ::pause();
        std::_Exit(0);
    }
    // Opened before the drop, like the daemon's host namespace handle.
    int host_netns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const std::string file = "/tmp/bpftune-captest-" + std::to_string(::getpid());
    int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ::close(fd);
    expect(::chown(file.c_str(), 65534, 65534) == 0, "a file owned by nobody, mode 0600");

    auto dropped = bpftune::drop_unneeded_capabilities();
    expect(bool(dropped), "drop_unneeded_capabilities() succeeds" +
                              (dropped ? std::string() : ": " + dropped.error().message()));
    const auto effective = std::strtoull(status_field("CapEff").c_str(), nullptr, 16);
    const auto bounding = std::strtoull(status_field("CapBnd").c_str(), nullptr, 16);
    expect(effective == kept_mask(), "effective set is exactly the kept capabilities (" +
                                         status_field("CapEff") + ")");
    expect(bounding == kept_mask(), "bounding set shrank to match (" + status_field("CapBnd") + ")");
    expect(std::strtoull(status_field("CapInh").c_str(), nullptr, 16) == 0, "inheritable set empty");
    expect(std::strtoull(status_field("CapAmb").c_str(), nullptr, 16) == 0, "ambient set empty");

    // CAP_DAC_OVERRIDE is gone: root no longer writes another user's private file.
    errno = 0;
    fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    expect(fd < 0 && errno == EACCES, "writing nobody's 0600 file is refused (EACCES)");
    if (fd >= 0)
        ::close(fd);
    ::unlink(file.c_str());

    // CAP_SYS_PTRACE: a process with every capability (the holder) is like most processes
    // whose namespaces the daemon finds through /proc; it can still open them...
    const std::string holder_netns = "/proc/" + std::to_string(holder) + "/ns/net";
    int netns = ::open(holder_netns.c_str(), O_RDONLY | O_CLOEXEC);
    expect(netns >= 0, "open " + holder_netns + " of a process with all capabilities" +
                           (netns < 0 ? std::string(": ") + std::strerror(errno) : ""));
    if (netns >= 0)
        ::close(netns);
    // ...and could not without it (why CAP_SYS_PTRACE is kept).
    cap_t caps = cap_get_proc();
    const cap_value_t ptrace[] = {CAP_SYS_PTRACE};
    cap_set_flag(caps, CAP_EFFECTIVE, 1, ptrace, CAP_CLEAR);
    cap_set_proc(caps);
    errno = 0;
    netns = ::open(holder_netns.c_str(), O_RDONLY | O_CLOEXEC);
    expect(netns < 0 && errno == EACCES, "without CAP_SYS_PTRACE the same open is refused");
    if (netns >= 0)
        ::close(netns);
    cap_set_flag(caps, CAP_EFFECTIVE, 1, ptrace, CAP_SET);
    cap_set_proc(caps);
    cap_free(caps);
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);

    // CAP_SYS_ADMIN + CAP_NET_ADMIN: enter a namespace, write its sysctl, come back.
    expect(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) (a test stand-in for a new netns)");
    std::ofstream("/proc/sys/net/ipv4/tcp_rmem") << "4096 131072 1048576";
    std::ifstream rmem("/proc/sys/net/ipv4/tcp_rmem");
    std::string a, b, c;
    rmem >> a >> b >> c;
    expect(c == "1048576", "wrote net.ipv4.tcp_rmem in the new namespace (max " + c + ")");
    expect(::setns(host_netns, CLONE_NEWNET) == 0, "setns() back to the original namespace");
}

void refuses_threads()
{
    std::thread sleeper([] { ::usleep(300000); });
    auto dropped = bpftune::drop_unneeded_capabilities();
    expect(!dropped, "refuses with two threads: " +
                         (dropped ? std::string("it did not") : dropped.error().message()));
    sleeper.join();
}

}  // namespace

int main()
{
    if (::geteuid() != 0) {
        std::puts("SKIP: needs root to hold capabilities to drop");
        return 77;
    }
    for (const auto& kept : bpftune::kept_capabilities())
        std::printf("keeps %s: %s\n", cap_to_name(kept.capability), kept.why);
    in_child("after the drop", after_drop);
    in_child("with several threads", refuses_threads);
    std::printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
