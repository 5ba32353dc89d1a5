#include "rollback/rollback_state.hpp"

#include "log/log.hpp"
#include "sysctl/sysctl_io.hpp"

#include <boost/json.hpp>

#include "core/paths.hpp"

#include <fstream>
#include <sstream>

namespace bpftune {

namespace json = boost::json;

std::string to_json(const RollbackState& state)
{
    json::array originals;
    for (const auto& o : state.originals)
        originals.push_back(json::object{{"tunable", o.tunable},
                                         {"netns_cookie", o.netns_cookie},
                                         {"netns_path", o.netns_path},
                                         {"netns_name", o.netns_name},
                                         {"value", o.value}});
    return json::serialize(json::object{{"boot_id", state.boot_id}, {"originals", originals}});
}

Result<RollbackState> from_json(std::string_view text)
{
    try {
        const auto root = json::parse(text).as_object();
        RollbackState state;
        state.boot_id = json::value_to<std::string>(root.at("boot_id"));
        for (const auto& item : root.at("originals").as_array()) {
            const auto& o = item.as_object();
            state.originals.push_back({json::value_to<std::string>(o.at("tunable")),
                                       json::value_to<NetnsCookie>(o.at("netns_cookie")),
                                       json::value_to<std::string>(o.at("netns_path")),
                                       json::value_to<std::string>(o.at("netns_name")),
                                       json::value_to<std::string>(o.at("value"))});
        }
        return state;
    } catch (const std::exception& e) {
        return Error{EINVAL, std::string("unreadable rollback state: ") + e.what()};
    }
}

Result<void> save_state(const std::filesystem::path& file, const RollbackState& state)
{
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    const auto temporary = file.string() + ".new";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << to_json(state) << '\n';
        out.flush();
        if (!out)
            return Error{EIO, "write " + temporary};
    }
    std::filesystem::rename(temporary, file, ec);
    if (ec)
        return Error{ec.value(), "rename " + temporary + " to " + file.string()};
    return {};
}

Result<RollbackState> load_state(const std::filesystem::path& file)
{
    std::ifstream in(file);
    if (!in)
        return Error{ENOENT, "no rollback state at " + file.string()};
    std::stringstream text;
    text << in.rdbuf();
    return from_json(text.str());
}

Result<NetnsCookie> locate(NetnsRegistry& netns, const OriginalValue& original)
{
    if (original.netns_cookie == netns.host_cookie())
        return original.netns_cookie;
    if (!original.netns_path.empty())
        if (auto found = netns.add(original.netns_path); found && *found == original.netns_cookie)
            return *found;
    return Error{ENOENT, "the namespace no longer exists"};
}

std::filesystem::path rollback_state_file()
{
    return state_directory() / "rollback.json";
}

std::string current_boot_id()
{
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

int restore_from_state(const std::filesystem::path& file)
{
    auto state = load_state(file);
    if (!state) {
        log_notice("nothing to restore: " + state.error().message());
        return 0;
    }
    if (state->boot_id != current_boot_id()) {
        log_notice("the rollback state in " + file.string() +
                   " is from an earlier boot; the kernel and sysctl.d have set those values "
                   "again, so nothing is restored");
        std::filesystem::remove(file);
        return 0;
    }
    auto netns = NetnsRegistry::create();
    if (!netns) {
        log_err("cannot open the host network namespace: " + netns.error().message());
        return 1;
    }
    SysctlFiles files;
    int failures = 0;
    for (const auto& o : state->originals) {
        auto cookie = locate(*netns, o);
        if (!cookie) {
            log_notice("skipping " + o.tunable + " in netns " + o.netns_name + ": " +
                       cookie.error().context);
            continue;
        }
        Result<void> written = Error{};
        auto entered = netns->run_in(*cookie, [&] {
            written = files.write(o.tunable, parse_sysctl_value(o.value));
        });
        if (entered && written) {
            log_notice("restored " + o.tunable + " = " + o.value + " in netns " + o.netns_name);
        } else {
            ++failures;
            log_err("could not restore " + o.tunable + " in netns " + o.netns_name + ": " +
                    (!entered ? entered.error() : written.error()).message());
        }
    }
    if (failures == 0)
        std::filesystem::remove(file);
    return failures ? 1 : 0;
}

}  // namespace bpftune
