// tcp_cong: gives each new TCP connection the congestion-control algorithm that has delivered
// best towards its destination (learned per destination and namespace), and moves a
// connection whose loss holds a loss-based algorithm back to bbr.
#pragma once

#include "tuner/tuner.hpp"

#include <memory>

namespace bpftune {

std::unique_ptr<Tuner> make_tcp_cong_tuner();

}  // namespace bpftune
