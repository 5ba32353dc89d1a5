// Where every applied change goes: the journal (structured), stderr, and the in-memory
// history that the exit summary and queries read.
#pragma once

#include "change/change_record.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace bpftune {

class ChangeLog {
public:
    void record(const ChangeRecord& change);
    // Called after each recorded change (the daemon updates its systemd STATUS).
    std::function<void()> on_change;

    const std::vector<ChangeRecord>& history() const { return history_; }
    std::size_t count() const { return history_.size(); }

    // Per tunable and namespace: how often, first and last value, the last reason, and the
    // sysctl -w line that makes the same change elsewhere.
    std::vector<std::string> summary() const;

private:
    std::vector<ChangeRecord> history_;
};

// The changes of one tunable in one namespace, oldest first.
using ChangeGroup = std::vector<const ChangeRecord*>;
// Every group, in the order of each group's first change.
std::vector<ChangeGroup> group_by_tunable(const std::vector<ChangeRecord>& history);

// The journal fields of a change, MESSAGE excluded.
std::vector<std::pair<std::string, std::string>> journal_fields(const ChangeRecord& change);

}  // namespace bpftune
