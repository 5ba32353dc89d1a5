#include "ownership/sysctl_watch.hpp"

#include "bpf/bpf_handles.hpp"
#include "log/log.hpp"

#include "sysctl_watch.skel.h"
#include "sysctl_watch_event.h"

#include <bpf/bpf.h>

#include <cstring>

namespace bpftune {
namespace {

constexpr Scenario admin_override{
    "admin_override", "an administrator set a tunable; bpftune leaves it alone there",
    "f4711f5c2f17482ab6e429a125bb79b5"};

using Skeleton = SkeletonPtr<sysctl_watch_bpf, sysctl_watch_bpf__destroy>;

std::string bounded_text(const char* text, std::size_t bytes)
{
    std::string out(text, ::strnlen(text, bytes));
    for (auto& c : out)
        if (c == '\t' || c == '\n')
            c = ' ';
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

}  // namespace

struct SysctlWatch::Parts {
    EventRouter& router;
    Actuator& actuator;
    std::map<std::string, std::string> managed;
    Skeleton skeleton;
    BpfLink link;
};

SysctlWatch::SysctlWatch(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

SysctlWatch::~SysctlWatch()
{
    if (parts_)
        parts_->router.unsubscribe(BPFTUNE_TUNER_SYSCTL_WATCH);
}

Result<std::unique_ptr<SysctlWatch>> SysctlWatch::start(EventRouter& router, Actuator& actuator,
                                                        const BpfShared& bpf,
                                                        std::map<std::string, std::string> managed,
                                                        const CgroupRoot& cgroup)
{
    Skeleton skeleton(sysctl_watch_bpf__open());
    if (!skeleton)
        return errno_error("open the sysctl_watch BPF object");
    if (auto shared = share_with_daemon(*skeleton, bpf); !shared)
        return shared.error();
    if (int err = sysctl_watch_bpf__load(skeleton.get())) {
        auto reason = take_libbpf_reason();
        return Error{-err, "load the sysctl_watch BPF program" +
                               (reason.empty() ? "" : " (" + reason + ")")};
    }
    const int watched_fd = bpf_map__fd(skeleton->maps.watched_sysctls);
    for (const auto& [name, tuner] : managed) {
        char key[SYSCTL_WATCH_NAME_BYTES] = {};
        const auto path = sysctl_relative_path(name);
        std::memcpy(key, path.data(), std::min(path.size(), sizeof key - 1));
        const __u8 yes = 1;
        if (bpf_map_update_elem(watched_fd, key, &yes, BPF_ANY) != 0)
            return errno_error("watch " + name);
    }
    BpfLink link(bpf_program__attach_cgroup(skeleton->progs.bt_sysctl_write, cgroup.fd()));
    if (!link)
        return errno_error("attach the cgroup/sysctl program to " + cgroup.path());

    auto parts = std::make_unique<Parts>(Parts{router, actuator, std::move(managed),
                                               std::move(skeleton), std::move(link)});
    std::unique_ptr<SysctlWatch> watch(new SysctlWatch(std::move(parts)));
    router.subscribe(BPFTUNE_TUNER_SYSCTL_WATCH,
                     [w = watch.get()](NetnsCookie cookie, RawRecord record) {
                         w->on_write(cookie, record);
                     });
    return watch;
}

void SysctlWatch::on_write(NetnsCookie cookie, RawRecord record)
{
    const auto read = record_as<sysctl_watch_event>(record);
    if (!read)
        return;
    const sysctl_watch_event& e = *read;
    const auto name = sysctl_name_from_path(bounded_text(e.name, sizeof e.name));
    auto managed = parts_->managed.find(name);
    if (managed == parts_->managed.end())
        return;
    const auto value = bounded_text(e.new_value, sizeof e.new_value);
    const auto comm = bounded_text(e.comm, sizeof e.comm);
    // The pid the administrator can look up: in bpftune's own pid namespace when the writer has
    // one there, else the host's (a writer outside bpftune's container).
    const std::string writer = e.writer_pid
                                   ? "pid " + std::to_string(e.writer_pid)
                                   : "host pid " + std::to_string(e.header.pid);
    Actuator& actuator = parts_->actuator;
    actuator.netns().lookup(cookie);  // an admin's namespace may have sent nothing yet
    const auto where = actuator.netns().describe(cookie);
    if (actuator.owned_by_admin(cookie, name)) {
        log_debug(writer + " (" + comm + ") set " + name + " = " + value + " in netns " + where +
                  " again");
        return;
    }
    actuator.hand_to_admin(cookie, name);
    log(Severity::notice,
        writer + " (" + comm + ") set " + name + " = " + value + " in netns " + where + "; " + managed->second + " no longer tunes it there",
        {{"MESSAGE_ID", std::string(admin_override.message_id)},
         {"BPFTUNE_TUNER", managed->second},
         {"BPFTUNE_TUNABLE", name},
         {"BPFTUNE_NETNS", where},
         {"BPFTUNE_NETNS_COOKIE", std::to_string(cookie)},
         {"BPFTUNE_SCENARIO", std::string(admin_override.name)},
         {"BPFTUNE_NEW", value},
         {"BPFTUNE_WRITER_PID", std::to_string(e.writer_pid ? e.writer_pid : e.header.pid)},
         {"BPFTUNE_WRITER_COMM", comm}});
}

}  // namespace bpftune
