#include "core/paths.hpp"

#include "bpftune_config.h"

#include <cstdlib>

namespace bpftune {
namespace {

std::filesystem::path from_environment(const char* variable, const char* fallback)
{
    const char* value = std::getenv(variable);
    return value && *value ? value : fallback;
}

}  // namespace

std::filesystem::path run_directory()
{
    return from_environment("BPFTUNE_RUN_DIR", BPFTUNE_RUN_DIR);
}

std::filesystem::path state_directory()
{
    return from_environment("BPFTUNE_STATE_DIR", BPFTUNE_STATE_DIR);
}

}  // namespace bpftune
