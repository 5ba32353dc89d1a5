#include "realtime.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace linkemu {

bool run_realtime(int priority) {
  sched_param parameters{};
  parameters.sched_priority = priority;
  if (::sched_setscheduler(0, SCHED_FIFO, &parameters) == 0) return true;
  std::cerr << "bpftune-linkemu: warning: cannot run as SCHED_FIFO " << priority << ": "
            << std::strerror(errno) << "; delays may stretch when the CPUs are busy\n";
  return false;
}

}  // namespace linkemu
