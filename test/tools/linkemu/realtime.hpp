// Real-time scheduling, so that a busy machine (a compiler on every core) does not stretch
// the emulated delay by the emulator's own wake-up latency.
#pragma once

namespace linkemu {

// SCHED_FIFO at `priority` (1..99). Returns false, with a warning on stderr, when refused:
// the emulator still works, with less exact timing under load.
bool run_realtime(int priority);

}  // namespace linkemu
