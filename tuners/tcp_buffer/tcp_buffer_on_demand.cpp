#include "tcp_buffer_on_demand.hpp"

#include "bpf/bpf_support.hpp"

namespace bpftune::tcp_buffer {

OnDemandProgram::OnDemandProgram(bpf_program* program, volatile std::uint32_t* attached_flag)
    : program_(program), attached_flag_(attached_flag)
{
}

Result<void> OnDemandProgram::attach()
{
    if (!program_ || link_ || refused_)
        return {};
    // Flag first: for the moment between, neither program marks, which costs one interval of
    // arrivals; the other order would have both mark the same one.
    *attached_flag_ = 1;
    auto link = attach_program(program_);
    if (!link) {
        *attached_flag_ = 0;
        refused_ = true;
        return link.error();
    }
    link_ = std::move(*link);
    ++attaches_;
    return {};
}

void OnDemandProgram::detach()
{
    if (!link_)
        return;
    link_.reset();
    *attached_flag_ = 0;
}

std::string OnDemandProgram::describe() const
{
    return std::string(attached() ? "attached" : "detached") + " (on demand: attached " +
           std::to_string(attaches_) + (attaches_ == 1 ? " time" : " times") +
           (refused_ ? ", then refused" : "") + ")";
}

}  // namespace bpftune::tcp_buffer
