// What the daemon knows about each tuner for queries: its state and why, and its tunables.
// The daemon reports each tuner here as it selects, attaches and (rarely) loses it.
#pragma once

#include "sysctl/tunable.hpp"
#include "tuner/tuner.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bpftune {

enum class TunerState {
    active,       // attached and running
    disabled,     // not selected (--allow), or stopped after a failure
    unsupported,  // could not attach on this kernel
};

std::string_view state_name(TunerState state);

struct TunerInfo {
    std::string name;
    std::string description;
    std::vector<TunableSpec> tunables;
    TunerState state = TunerState::active;
    std::string reason;              // why it is disabled or unsupported
    const Tuner* running = nullptr;  // while active: for its statistics
};

class TunerRoster {
public:
    void active(const Tuner& tuner);
    void unsupported(const Tuner& tuner, std::string why);
    void disabled(const Tuner& tuner, std::string why);
    // A running tuner stopped after a failure.
    void failed(std::string_view name, std::string why);

    const std::vector<TunerInfo>& tuners() const { return tuners_; }
    // The running tuners that have a view of their own, by name.
    std::vector<std::string> view_names() const;
    // The tunable with this sysctl name and the tuner that manages it, or nullptrs.
    std::pair<const TunerInfo*, const TunableSpec*> find_tunable(std::string_view sysctl) const;

private:
    TunerInfo& entry(const Tuner& tuner);
    std::vector<TunerInfo> tuners_;
};

}  // namespace bpftune
