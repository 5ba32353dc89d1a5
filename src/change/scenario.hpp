// A kind of situation a tuner reacts to. Its MESSAGE_ID is stable across releases so the
// journal catalog and operators' queries can rely on it.
#pragma once

#include <string_view>

namespace bpftune {

struct Scenario {
    std::string_view name;         // "rmem_limited"
    std::string_view summary;      // one line for people: what happened
    std::string_view message_id;   // 32 hex digits, journald MESSAGE_ID
};

}  // namespace bpftune
