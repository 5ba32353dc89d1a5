// bpftune -q REQUEST: asks the running daemon over its socket and prints the reply.
#pragma once

#include "control/query_protocol.hpp"
#include "control/socket_file.hpp"

#include <filesystem>
#include <string>

namespace bpftune {

// Exit status: 0 answered, 1 the daemon cannot be reached or answered with an error,
// 2 an unknown request name (checked here, before connecting). Tuner names ask for that
// tuner's own view.
int run_query(const std::string& request_name, bool json, ViewNames tuner_names,
              const std::filesystem::path& socket_path = query_socket_path());

}  // namespace bpftune
