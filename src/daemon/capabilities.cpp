#include "daemon/capabilities.hpp"

#include <sys/prctl.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>

namespace bpftune {
namespace {

constexpr KeptCapability kept[] = {
    {CAP_NET_ADMIN,
     "write net.* sysctls in namespaces owned by other user namespaces, and rtnetlink changes"},
    {CAP_SYS_ADMIN,
     "setns(CLONE_NEWNET) into a namespace to read and write its sysctls"},
    {CAP_SYS_PTRACE,
     "open /proc/PID/ns/net of processes holding capabilities the daemon has dropped"},
};

struct CapFree {
    void operator()(void* caps) const { cap_free(caps); }
};
using UniqueCaps = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

bool is_kept(cap_value_t capability)
{
    for (const auto& entry : kept)
        if (entry.capability == capability)
            return true;
    return false;
}

std::size_t thread_count()
{
    std::error_code ec;
    std::size_t threads = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++threads;
    return threads;
}

// Without CAP_SETPCAP the bounding set stays as the caller (e.g. systemd) left it.
Result<void> shrink_bounding_set(cap_t current)
{
    cap_flag_value_t setpcap = CAP_CLEAR;
    cap_get_flag(current, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
    if (setpcap != CAP_SET)
        return {};
    for (cap_value_t capability = 0; capability < cap_max_bits(); ++capability) {
        if (is_kept(capability) || CAP_IS_SUPPORTED(capability) != 1)
            continue;
        if (cap_drop_bound(capability) != 0)
            return errno_error("drop " + std::string(cap_to_name(capability)) +
                               " from the bounding set");
    }
    return {};
}

}  // namespace

std::span<const KeptCapability> kept_capabilities()
{
    return kept;
}

Result<void> drop_unneeded_capabilities()
{
    if (auto threads = thread_count(); threads != 1)
        return Error{0, "cannot drop capabilities: " + std::to_string(threads) +
                            " threads run and capabilities belong to each thread"};
    UniqueCaps current(cap_get_proc());
    if (!current)
        return errno_error("read the process capabilities");
    if (auto bounded = shrink_bounding_set(current.get()); !bounded)
        return bounded.error();

    UniqueCaps wanted(cap_init());  // every set empty: inheritable and ambient end up cleared
    if (!wanted)
        return errno_error("allocate a capability set");
    for (const auto& entry : kept) {
        cap_flag_value_t permitted = CAP_CLEAR;
        cap_get_flag(current.get(), entry.capability, CAP_PERMITTED, &permitted);
        if (permitted != CAP_SET)
            continue;  // never had it (e.g. not in the unit's bounding set): nothing to keep
        cap_set_flag(wanted.get(), CAP_PERMITTED, 1, &entry.capability, CAP_SET);
        cap_set_flag(wanted.get(), CAP_EFFECTIVE, 1, &entry.capability, CAP_SET);
    }
    if (cap_set_proc(wanted.get()) != 0)
        return errno_error("set the process capabilities");
    return {};
}

}  // namespace bpftune
