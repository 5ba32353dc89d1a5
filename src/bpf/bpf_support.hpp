// What every BPF object of bpftune shares: the ring buffer, the daemon's pid, and how libbpf's
// messages reach our log.
#pragma once

#include "bpf/bpf_handles.hpp"
#include "core/error.hpp"

#include <bpf/libbpf.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace bpftune {

struct BpfShared {
    int ring_buffer_fd = -1;
};

// Routes libbpf's messages to the debug log and keeps the last warning for error reports.
void route_libbpf_messages();
// The last warning libbpf printed (often the verifier's or the kernel's reason), then cleared.
std::string take_libbpf_reason();

// The inode of this process's pid namespace (/proc/self/ns/pid), 0 when it cannot be read.
std::uint64_t own_pid_namespace_inode();

// Makes a skeleton use the daemon's ring buffer and know the daemon's pid. Before load.
template <class Skeleton>
Result<void> share_with_daemon(Skeleton& skeleton, const BpfShared& shared)
{
    if (int err = bpf_map__reuse_fd(skeleton.maps.bpftune_events, shared.ring_buffer_fd))
        return Error{-err, "reuse the shared ring buffer"};
    skeleton.rodata->bpftune_pid = static_cast<unsigned>(::getpid());
    skeleton.rodata->bpftune_pidns_inum = own_pid_namespace_inode();
    return {};
}

// Attaches one program and returns its link, or the kernel's reason for refusing.
Result<BpfLink> attach_program(bpf_program* program);

// Whether the running kernel has a raw tracepoint of that name (from its BTF). Names listed in
// BPFTUNE_HIDE_TRACEPOINTS (comma-separated) count as missing, so that tests take here the
// paths older kernels take.
bool kernel_has_raw_tracepoint(std::string_view name);

// Whether the running kernel has a function of that name, from its BTF: a kfunc (a kernel
// function BPF programs may call, such as bpf_rdonly_cast), or any other that tells which
// code the kernel has (sk_setsockopt: 6.1 and later).
bool kernel_has_function(std::string_view name);

}  // namespace bpftune
