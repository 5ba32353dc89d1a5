#include "actuator/actuator.hpp"

#include "log/log.hpp"

#include <cerrno>

namespace bpftune {

NetnsCookie Actuator::effective_cookie(NetnsCookie cookie, const TunableSpec& tunable) const
{
    return tunable.scope == TunableScope::host ? netns_.host_cookie() : cookie;
}

Result<SysctlValue> Actuator::read_in(NetnsCookie cookie, const std::string& name)
{
    Result<SysctlValue> value = Error{};
    auto entered = netns_.run_in(cookie, [&] { value = files_.read(name); });
    if (!entered)
        return entered.error();
    return value;
}

Result<void> Actuator::write_in(NetnsCookie cookie, const std::string& name,
                                const SysctlValue& value)
{
    Result<void> written = Error{};
    auto entered = netns_.run_in(cookie, [&] { written = files_.write(name, value); });
    if (!entered)
        return entered.error();
    return written;
}

Result<SysctlValue> Actuator::read(NetnsCookie cookie, const TunableSpec& tunable)
{
    return read_in(effective_cookie(cookie, tunable), tunable.name);
}

WriteOutcome Actuator::apply(const ChangeRequest& request)
{
    const TunableSpec& tunable = *request.tunable;
    const NetnsCookie cookie = effective_cookie(request.netns_cookie, tunable);
    const Key key{cookie, tunable.name};

    if (admin_owned_.contains(key))
        return {WriteStatus::admin_owned, {}};
    if (auto it = held_.find(key); it != held_.end())
        return {WriteStatus::held, it->second};
    if (auto violation = violates_limits(tunable, request.new_value)) {
        if (invalid_reported_.insert(key).second)
            log_err(request.tuner + " proposed a value bpftune will not write: " + *violation);
        return {WriteStatus::invalid, {}};
    }

    auto current = read_in(cookie, tunable.name);
    if (!current) {
        const bool gone = netns_gone(current.error());
        log_debug("cannot read " + tunable.name + ": " + current.error().message());
        return {gone ? WriteStatus::netns_gone : WriteStatus::refused, {}};
    }
    if (*current == request.new_value)
        return {WriteStatus::unchanged, *current};

    const std::string where = netns_.describe(cookie);
    auto written = write_in(cookie, tunable.name, request.new_value);
    auto after = written ? read_in(cookie, tunable.name) : Result<SysctlValue>(Error{});
    if (!written || !after || *after != request.new_value) {
        const std::string why = !written ? written.error().message()
                                : !after ? after.error().message()
                                         : "it reads back as " + after->format();
        log(Severity::warning, "could not set " + tunable.name + " = " + request.new_value.format() +
                        " in netns " + where + " (" + why + "); " + request.tuner +
                        " holds it at " + current->format() + " there and will not retry",
                    {{"BPFTUNE_TUNER", request.tuner},
                     {"BPFTUNE_TUNABLE", tunable.name},
                     {"BPFTUNE_NETNS", where},
                     {"BPFTUNE_TRIED", request.new_value.format()},
                     {"BPFTUNE_ERRNO", std::to_string(written ? 0 : written.error().code)}});
        held_[key] = *current;
        return {WriteStatus::refused, *current};
    }

    originals_.emplace(key, *current);
    changes_.record(ChangeRecord{
        .tuner = request.tuner,
        .tunable = tunable.name,
        .value_names = tunable.value_names,
        .netns_cookie = cookie,
        .netns = where,
        .netns_shell = netns_.shell_prefix(cookie),
        .scenario = request.scenario,
        .old_value = *current,
        .new_value = request.new_value,
        .reason = request.reason,
        .evidence = request.evidence,
    });
    return {WriteStatus::applied, *current};
}

void Actuator::forget_netns(NetnsCookie cookie)
{
    auto in_namespace = [cookie](const auto& item) {
        if constexpr (requires { item.first.first; })
            return item.first.first == cookie;
        else
            return item.first == cookie;
    };
    std::erase_if(originals_, in_namespace);
    std::erase_if(held_, in_namespace);
    std::erase_if(admin_owned_, in_namespace);
    std::erase_if(invalid_reported_, in_namespace);
    log_debug("network namespace cookie " + std::to_string(cookie) + " is gone; forgot it");
}

void Actuator::hand_to_admin(NetnsCookie cookie, const std::string& tunable)
{
    admin_owned_.insert({cookie, tunable});
    std::erase_if(admin_listeners_, [](const auto& weak) { return weak.expired(); });
    for (const auto& weak : admin_listeners_)
        if (auto listener = weak.lock())
            (*listener)(cookie, tunable);
}

Actuator::AdminListener Actuator::when_admin_takes(
    std::function<void(NetnsCookie, const std::string&)> fn)
{
    auto listener = std::make_shared<AdminListener::element_type>(std::move(fn));
    admin_listeners_.push_back(listener);
    return listener;
}

bool Actuator::owned_by_admin(NetnsCookie cookie, const std::string& tunable) const
{
    return admin_owned_.contains({cookie, tunable});
}

bool Actuator::leaves_alone(NetnsCookie cookie, const TunableSpec& tunable) const
{
    const Key key{effective_cookie(cookie, tunable), tunable.name};
    return admin_owned_.contains(key) || held_.contains(key);
}

void Actuator::restore_originals()
{
    for (const auto& [key, original] : originals_) {
        const auto& [cookie, name] = key;
        const std::string where = netns_.describe(cookie);
        if (admin_owned_.contains(key)) {
            log_notice("not restoring " + name + " in netns " + where +
                       ": an administrator has set it since");
            continue;
        }
        auto written = write_in(cookie, name, original);
        if (written)
            log_notice("restored " + name + " = " + original.format() + " in netns " + where);
        else if (netns_gone(written.error()))
            log_notice("not restoring " + name + " in netns " + where +
                       ": the namespace no longer exists");
        else
            log_warning("could not restore " + name + " = " + original.format() + " in netns " +
                        where + ": " + written.error().message());
    }
}

}  // namespace bpftune
