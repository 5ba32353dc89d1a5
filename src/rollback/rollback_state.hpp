// The original values bpftune changed, kept on disk so a crash, kill -9 or a later
// `bpftune --restore` can put them back. Only true for the boot they were read in.
#pragma once

#include "core/error.hpp"
#include "netns/netns_registry.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace bpftune {

struct OriginalValue {
    std::string tunable;
    NetnsCookie netns_cookie = 0;
    std::string netns_path;   // how to enter it again ("" for the host)
    std::string netns_name;
    std::string value;        // as sysctl prints it

    friend bool operator==(const OriginalValue&, const OriginalValue&) = default;
};

struct RollbackState {
    std::string boot_id;
    std::vector<OriginalValue> originals;
};

std::string to_json(const RollbackState& state);
Result<RollbackState> from_json(std::string_view text);

// Write-and-rename, so a reader never sees half a file.
Result<void> save_state(const std::filesystem::path& file, const RollbackState& state);
Result<RollbackState> load_state(const std::filesystem::path& file);

// /proc/sys/kernel/random/boot_id
std::string current_boot_id();

// The namespace an original belongs to, now: the host only when its cookie is the host's,
// else the recorded path must still lead to the recorded cookie. Never guesses.
Result<NetnsCookie> locate(NetnsRegistry& netns, const OriginalValue& original);

// state_directory()/rollback.json.
std::filesystem::path rollback_state_file();

// bpftune --restore: writes back every original in the state file, skips namespaces that are
// gone, removes the file. Exit status: 0, or 1 if a value could not be restored.
int restore_from_state(const std::filesystem::path& file);

}  // namespace bpftune
