#include "control/tuner_roster.hpp"

#include <algorithm>

namespace bpftune {

std::string_view state_name(TunerState state)
{
    switch (state) {
    case TunerState::active:
        return "active";
    case TunerState::disabled:
        return "disabled";
    case TunerState::unsupported:
        return "unsupported";
    }
    return "unknown";
}

TunerInfo& TunerRoster::entry(const Tuner& tuner)
{
    auto it = std::ranges::find(tuners_, tuner.name(), &TunerInfo::name);
    if (it != tuners_.end())
        return *it;
    const auto tunables = tuner.tunables();
    TunerInfo info;
    info.name = tuner.name();
    info.description = tuner.description();
    info.tunables.assign(tunables.begin(), tunables.end());
    return tuners_.emplace_back(std::move(info));
}

void TunerRoster::active(const Tuner& tuner)
{
    auto& info = entry(tuner);
    info.state = TunerState::active;
    info.reason.clear();
    info.running = &tuner;
}

void TunerRoster::unsupported(const Tuner& tuner, std::string why)
{
    auto& info = entry(tuner);
    info.state = TunerState::unsupported;
    info.reason = std::move(why);
    info.running = nullptr;
}

void TunerRoster::disabled(const Tuner& tuner, std::string why)
{
    auto& info = entry(tuner);
    info.state = TunerState::disabled;
    info.reason = std::move(why);
    info.running = nullptr;
}

void TunerRoster::failed(std::string_view name, std::string why)
{
    auto it = std::ranges::find(tuners_, name, &TunerInfo::name);
    if (it == tuners_.end())
        return;
    it->state = TunerState::disabled;
    it->reason = "failed: " + std::move(why);
    it->running = nullptr;
}

std::vector<std::string> TunerRoster::view_names() const
{
    std::vector<std::string> names;
    for (const auto& info : tuners_)
        if (info.running && !info.running->view_description().empty())
            names.push_back(info.name);
    return names;
}

std::pair<const TunerInfo*, const TunableSpec*> TunerRoster::find_tunable(
    std::string_view sysctl) const
{
    for (const auto& info : tuners_)
        for (const auto& spec : info.tunables)
            if (spec.name == sysctl)
                return {&info, &spec};
    return {nullptr, nullptr};
}

}  // namespace bpftune
