// tcp_buffer: raises net.ipv4.tcp_rmem[2] / tcp_wmem[2] in the namespace whose connections
// are held back by them, in steps that follow the observed demand.
#pragma once

#include "tuner/tuner.hpp"

#include <memory>

namespace bpftune {

std::unique_ptr<Tuner> make_tcp_buffer_tuner();

}  // namespace bpftune
