#include "daemon/support.hpp"

#include "bpf/ring_buffer_source.hpp"
#include "daemon/all_tuners.hpp"
#include "log/log.hpp"
#include "netns/netns_registry.hpp"

#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <cstdio>
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
        TunerContext context{io.get_executor(), actuator, router, {(*ring)->map_fd()}, 4};
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
