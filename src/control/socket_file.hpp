// The query socket's file: where it lives, creating it root-only, replacing a stale one, and
// removing it only while it is still ours.
#pragma once

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <sys/types.h>

#include <filesystem>

namespace bpftune {

// $BPFTUNE_RUN_DIR/bpftune.sock when set (tests), else /run/bpftune/bpftune.sock.
std::filesystem::path query_socket_path();

struct ListeningSocket {
    UniqueFd fd;      // AF_UNIX stream, listening, non-blocking, close-on-exec
    ino_t inode = 0;  // of the socket file, to remove only our own
};

// Creates the directory (mode 0755) when missing and the socket with mode 0600. A socket file
// nobody answers on is replaced; a live one, or a path that is not a socket, is an error.
Result<ListeningSocket> listen_on_socket_file(const std::filesystem::path& path, int backlog);

// A connected AF_UNIX stream socket (blocking, close-on-exec), or why not.
Result<UniqueFd> connect_unix(const std::filesystem::path& path);

void remove_socket_file(const std::filesystem::path& path, ino_t inode);

}  // namespace bpftune
