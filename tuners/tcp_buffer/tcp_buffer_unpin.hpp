// After tcp_buffer raised net.ipv4.tcp_rmem[2] in a namespace, the connections the old ceiling
// held get room to grow (see tcp_buffer_unpin.bpf.c). The BPF object is loaded on the first
// raise; a kernel that refuses it (before 5.12 an iterator may not set socket options) costs
// this help only, and is not asked again.
#pragma once

#include "bpf/bpf_handles.hpp"
#include "core/error.hpp"
#include "netns/netns_registry.hpp"
#include "tcp_buffer_unpin_pass.hpp"

#include <cstdint>
#include <memory>
#include <string>

struct tcp_buffer_unpin_bpf;

namespace bpftune::tcp_buffer {

// The generated destroy function is static to the file that includes the skeleton.
struct UnpinSkeletonDeleter {
    void operator()(tcp_buffer_unpin_bpf* skeleton) const;
};

class ReceiveUnpinner {
public:
    // False once the kernel refused the program: callers skip the pass and say nothing.
    bool available() const { return !refused_; }

    // Runs one pass over the namespace's established connections. The first error that is
    // the kernel refusing the program makes it unavailable; a namespace gone is an error too.
    Result<UnpinPass> unpin(NetnsRegistry& netns, NetnsCookie cookie, std::int64_t old_max_bytes);

    // For `bpftune -q tuners`: "not needed yet", "3 passes, 2 connections grown", "refused".
    std::string describe() const;

private:
    Result<void> load();

    std::unique_ptr<tcp_buffer_unpin_bpf, UnpinSkeletonDeleter> skeleton_;
    BpfLink link_;  // after the skeleton: released first
    bool refused_ = false;
    unsigned passes_ = 0;
    unsigned grown_ = 0;
};

}  // namespace bpftune::tcp_buffer
