// Where bpftune keeps files. systemd's RuntimeDirectory= and StateDirectory= match the defaults;
// tests point them elsewhere with BPFTUNE_RUN_DIR and BPFTUNE_STATE_DIR.
#pragma once

#include <filesystem>

namespace bpftune {

std::filesystem::path run_directory();    // /run/bpftune: query socket, fallback cgroup2 mount
std::filesystem::path state_directory();  // /var/lib/bpftune: rollback state

}  // namespace bpftune
