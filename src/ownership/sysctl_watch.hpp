// Gets out of the administrator's way: a write by anyone else to a tunable a tuner manages
// hands that tunable, in that namespace, back to them. Seen by a cgroup/sysctl program.
#pragma once

#include "actuator/actuator.hpp"
#include "bpf/bpf_support.hpp"
#include "event/event_router.hpp"
#include "ownership/cgroup_root.hpp"

#include <map>
#include <memory>
#include <string>

namespace bpftune {

class SysctlWatch {
public:
    // managed: sysctl name ("net.ipv4.tcp_rmem") -> the tuner that manages it. The cgroup
    // root outlives the watch.
    static Result<std::unique_ptr<SysctlWatch>> start(EventRouter& router, Actuator& actuator,
                                                      const BpfShared& bpf,
                                                      std::map<std::string, std::string> managed,
                                                      const CgroupRoot& cgroup);
    ~SysctlWatch();
    SysctlWatch(const SysctlWatch&) = delete;
    SysctlWatch& operator=(const SysctlWatch&) = delete;

private:
    struct Parts;
    explicit SysctlWatch(std::unique_ptr<Parts> parts);
    void on_write(NetnsCookie cookie, RawRecord record);

    std::unique_ptr<Parts> parts_;
};

}  // namespace bpftune
