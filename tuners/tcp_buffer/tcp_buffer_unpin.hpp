// After tcp_buffer raised net.ipv4.tcp_rmem[2] in a namespace, the connections the old ceiling
// held get room to grow (see tcp_buffer_unpin.bpf.c). The BPF object is loaded on the first
// raise; a kernel that cannot (before 6.1 bpf_setsockopt does not reach TCP's handler) or
// refuses it costs this help only, and is not asked again. A pass runs in the event loop and
// takes each socket's lock in turn: on a host of 100k connections it may take milliseconds,
// once per raise.
#pragma once

#include "bpf/bpf_handles.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
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
    ReceiveUnpinner() = default;  // unavailable: no marks to go by
    // marks_fd: tcp_buffer's rcv_marks map, kept open by its skeleton for as long as this.
    explicit ReceiveUnpinner(int marks_fd) : marks_fd_(marks_fd), unavailable_(false) {}

    // False once the kernel refused the program: callers skip the pass and say nothing.
    bool available() const { return !unavailable_; }

    // Runs one pass over the namespace's established connections. The first error that is
    // the kernel refusing the program makes it unavailable; a namespace gone is an error too.
    Result<UnpinPass> unpin(NetnsRegistry& netns, NetnsCookie cookie, std::int64_t old_max_bytes,
                            std::int64_t new_max_bytes);

    // For `bpftune -q tuners`: "not needed yet", "3 passes, 2 connections grown",
    // "unavailable".
    std::string describe() const;

private:
    Result<void> load();
    // Sets the pass's inputs and zeroes its counts in the program's .bss.
    void start_pass(std::int64_t old_max_bytes, std::int64_t new_max_bytes);
    Result<UniqueFd> create_iterator(NetnsRegistry& netns, NetnsCookie cookie);

    std::unique_ptr<tcp_buffer_unpin_bpf, UnpinSkeletonDeleter> skeleton_;
    BpfLink link_;  // after the skeleton: released first
    int marks_fd_ = -1;
    bool unavailable_ = true;
    unsigned passes_ = 0;
    unsigned grown_ = 0;
    std::uint64_t longest_pass_us_ = 0;
};

}  // namespace bpftune::tcp_buffer
