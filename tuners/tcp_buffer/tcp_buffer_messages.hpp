// What tcp_buffer says about a change or a hold, as text: pure, so its wording is tested.
#pragma once

#include "tcp_buffer_policy.hpp"
#include "tcp_buffer_signal.hpp"
#include "tcp_buffer_unpin_pass.hpp"

#include <cstdint>
#include <string>

namespace bpftune::tcp_buffer {

// "receive buffers of connections to 10.0.0.2 hit the maximum; ..." and why the new value.
std::string raise_reason(const BufferLimited& limited, const Decision& decision,
                         std::uint32_t min_rtt_us);
// The numbers behind it: what autotuning asked for and what the connection delivered.
std::string raise_evidence(const BufferLimited& limited);

std::string latency_hold(const std::string& tunable, const std::string& netns,
                         double correlation, std::size_t samples);
std::string hard_limit_hold(const std::string& tunable, const std::string& netns,
                            std::int64_t value, std::int64_t hard_max);
std::string queueing_hold(const std::string& tunable, const std::string& netns,
                          const BufferLimited& limited, std::uint32_t min_rtt_us);
// Why an interval touched by out-of-order arrival (limited.out_of_order) raised nothing.
std::string out_of_order_hold(const std::string& tunable, const std::string& netns,
                              const BufferLimited& limited);
// Why a ceiling the kernel asked past was left alone: the window is still growing into it,
// or the path needs less than one step more. decision.need must be set.
std::string need_hold(const std::string& tunable, const std::string& netns,
                      const Decision& decision, std::int64_t live_max);

// What an unpin pass after a raise of tcp_rmem[2] did: connections grown, or left alone.
std::string unpin_report(const std::string& netns, std::int64_t old_max_bytes,
                         std::int64_t new_max_bytes, const UnpinPass& pass);

}  // namespace bpftune::tcp_buffer
