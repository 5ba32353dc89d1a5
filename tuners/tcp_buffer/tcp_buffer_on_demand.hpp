// A BPF program attached only while it is wanted: tcp_buffer's program on every read, which
// the grow program asks for, and its program on every send, attached in windows (see
// tcp_buffer.bpf.c). It owns its link, tells the BPF side through a flag (if it has one)
// whether it is attached, and once the kernel refuses it stays detached, so a refusal is
// reported once and never retried.
#pragma once

#include "bpf/bpf_handles.hpp"
#include "core/error.hpp"

#include <bpf/libbpf.h>

#include <cstdint>
#include <string>

namespace bpftune::tcp_buffer {

class OnDemandProgram {
public:
    OnDemandProgram() = default;  // manages nothing: the program, if any, is attached for good
    // `when`: when it is attached, for describe() ("on demand").
    OnDemandProgram(bpf_program* program, volatile std::uint32_t* attached_flag, std::string when);

    bool managed() const { return program_ != nullptr; }
    bool attached() const { return link_ != nullptr; }
    bool refused() const { return refused_; }

    // Attaches it unless it is attached, unmanaged or was refused before. An error only for
    // the refusal itself, the first time.
    Result<void> attach();
    void detach();

    // "attached (on demand: attached 2 times)", ", then refused" after a refusal.
    std::string describe() const;
    // The hook's name and when it is attached: "raw_tp/tcp_rcv_space_adjust (on demand)".
    std::string hook() const;

private:
    void set_flag(std::uint32_t value);

    bpf_program* program_ = nullptr;
    volatile std::uint32_t* attached_flag_ = nullptr;  // none: the BPF side need not know
    std::string when_;
    BpfLink link_;
    unsigned attaches_ = 0;
    bool refused_ = false;
};

}  // namespace bpftune::tcp_buffer
