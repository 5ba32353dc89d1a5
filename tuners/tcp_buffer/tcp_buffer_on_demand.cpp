#include "tcp_buffer_on_demand.hpp"

#include "bpf/bpf_support.hpp"

namespace bpftune::tcp_buffer {

OnDemandProgram::OnDemandProgram(bpf_program* program, volatile std::uint32_t* attached_flag,
                                 std::string when)
    : program_(program), attached_flag_(attached_flag), when_(std::move(when))
{
}

void OnDemandProgram::set_flag(std::uint32_t value)
{
    if (attached_flag_)
        *attached_flag_ = value;
}

Result<void> OnDemandProgram::attach()
{
    if (!program_ || link_ || refused_)
        return {};
    // Flag first: for the moment between, neither program marks, which costs one interval of
    // arrivals; the other order would have both mark the same one.
    set_flag(1);
    auto link = attach_program(program_);
    if (!link) {
        set_flag(0);
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
    set_flag(0);
}

std::string OnDemandProgram::describe() const
{
    return std::string(attached() ? "attached" : "detached") + " (" + when_ + ": attached " +
           std::to_string(attaches_) + (attaches_ == 1 ? " time" : " times") +
           (refused_ ? ", then refused" : "") + ")";
}

std::string OnDemandProgram::hook() const
{
    return std::string(program_ ? bpf_program__section_name(program_) : "") + " (" + when_ + ")";
}

}  // namespace bpftune::tcp_buffer
