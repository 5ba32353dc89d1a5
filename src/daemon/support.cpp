#include "daemon/support.hpp"

#include "bpf/ring_buffer_source.hpp"
#include "daemon/all_tuners.hpp"
#include "core/paths.hpp"
#include "core/unique_fd.hpp"
#include "log/log.hpp"
#include "netns/netns_registry.hpp"
#include "ownership/cgroup_root.hpp"

#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace bpftune {
namespace {

std::string yes_no(int probe)
{
    if (probe > 0)
        return "yes";
    if (probe == 0)
        return "no";
    return "unknown (" + std::string(strerror(-probe)) + ")";
}

void line(const std::string& what, const std::string& answer)
{
    std::printf("  %-34s %s\n", what.c_str(), answer.c_str());
}

// An empty cgroup under the v2 root: cgroup programs attach there to prove they can, and
// touch no process's sockets meanwhile.
class ProbeCgroup {
public:
    ProbeCgroup()
    {
        auto root = CgroupRoot::open((run_directory() / "cgroup2").string());
        if (!root)
            return;
        path_ = root->path() + "/bpftune-support-" + std::to_string(::getpid());
        ::rmdir(path_.c_str());  // left by a probe that was killed, with a pid reused
        if (::mkdir(path_.c_str(), 0700) == 0)
            fd_.reset(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd_)
            line("cgroup for probing cgroup programs",
                 "cannot create " + path_ + ": " + std::strerror(errno));
        root_ = std::make_unique<CgroupRoot>(std::move(*root));
    }
    ~ProbeCgroup()
    {
        if (fd_) {
            fd_.reset();
            ::rmdir(path_.c_str());
        }
    }
    int fd() const { return fd_.get(); }

private:
    std::unique_ptr<CgroupRoot> root_;
    std::string path_;
    UniqueFd fd_;
};

}  // namespace

int report_support()
{
    utsname uts{};
    ::uname(&uts);
    std::printf("bpftune support report, kernel %s\n", uts.release);
    std::printf("kernel features:\n");
    line("BTF (/sys/kernel/btf/vmlinux)",
         ::access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? "yes" : "no");
    line("BPF ring buffer maps", yes_no(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr)));
    line("raw_tp programs",
         yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, nullptr)));
    line("tracepoint programs", yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, nullptr)));
    line("sockops programs", yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCK_OPS, nullptr)));
    line("cgroup/sysctl programs",
         yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SYSCTL, nullptr)));
    auto cookie = current_netns_cookie();
    line("netns cookies (SO_NETNS_COOKIE)", cookie ? "yes" : "no (" + cookie.error().message() + ")");

    // The real test for a tuner: load and attach it, then let it go.
    boost::asio::io_context io;
    EventRouter router(cookie ? *cookie : 0);
    auto netns = NetnsRegistry::create();
    auto ring = RingBufferSource::create(io, router, 4096);
    const ProbeCgroup probe_cgroup;
    int runnable = 0;
    std::printf("tuners:\n");
    for (const auto& entry : all_tuners()) {
        if (!netns || !ring) {
            line(std::string(entry.name), "cannot run: " +
                 (!netns ? netns.error().message() : ring.error().message()));
            continue;
        }
        ChangeLog changes;
        Actuator actuator(*netns, changes);
        TunerContext context{io.get_executor(), actuator, router, {(*ring)->map_fd()}, 4,
                             probe_cgroup.fd(), true};
        auto tuner = entry.make();
        auto attached = tuner->attach(context);
        if (attached) {
            ++runnable;
            std::string hooks;
            for (const auto& hook : tuner->hooks())
                hooks += (hooks.empty() ? "" : ", ") + hook;
            line(std::string(entry.name), "can run (" + hooks + ")");
        } else {
            line(std::string(entry.name), "cannot run: " + attached.error().message());
        }
    }
    std::printf("%s\n", runnable ? "bpftune can run here." : "bpftune cannot run here.");
    return runnable ? 0 : 1;
}

}  // namespace bpftune
