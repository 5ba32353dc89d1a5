#include "daemon/daemon.hpp"

#include "actuator/actuator.hpp"
#include "bpf/ring_buffer_source.hpp"
#include "change/change_log.hpp"
#include "control/query_endpoint.hpp"
#include "daemon/all_tuners.hpp"
#include "daemon/capabilities.hpp"
#include "daemon/heap.hpp"
#include "daemon/notifier.hpp"
#include "log/log.hpp"
#include "netns/netns_registry.hpp"
#include "netns/netns_watcher.hpp"
#include "ownership/sysctl_watch.hpp"
#include "rollback/rollback_state.hpp"
#include "core/paths.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>

namespace bpftune {
namespace {

constexpr std::uint32_t ring_buffer_bytes = 256 * 1024;

struct RunningTuner {
    std::unique_ptr<Tuner> tuner;
    bool failed = false;
};

struct TunerSelection {
    std::vector<std::unique_ptr<Tuner>> chosen;
    std::vector<std::unique_ptr<Tuner>> left_out;  // shown as disabled in queries
};

// Tuners named by --allow, or all; an unknown name is a usage error.
Result<TunerSelection> select_tuners(const std::vector<std::string>& allow)
{
    TunerSelection selection;
    for (const auto& name : allow) {
        auto known = std::ranges::find(all_tuners(), name, &TunerEntry::name);
        if (known == all_tuners().end()) {
            std::string names;
            for (const auto& entry : all_tuners())
                names += (names.empty() ? "" : ", ") + std::string(entry.name);
            return Error{0, "unknown tuner '" + name + "' for --allow; known tuners: " + names};
        }
    }
    for (const auto& entry : all_tuners()) {
        const bool allowed = allow.empty() || std::ranges::find(allow, entry.name) != allow.end();
        (allowed ? selection.chosen : selection.left_out).push_back(entry.make());
    }
    return selection;
}

// Originals an earlier bpftune of this boot recorded stay the originals: after a crash the
// live values are bpftune's, not the system's.
void adopt_persisted_originals(Actuator& actuator, NetnsRegistry& netns)
{
    auto state = load_state(rollback_state_file());
    if (!state)
        return;
    if (state->boot_id != current_boot_id()) {
        log_notice("discarding rollback state from an earlier boot: the kernel and sysctl.d "
                   "have set those values again");
        std::filesystem::remove(rollback_state_file());
        return;
    }
    std::size_t adopted = 0;
    for (const auto& o : state->originals) {
        if (auto cookie = locate(netns, o)) {
            actuator.adopt_original(*cookie, o.tunable, parse_sysctl_value(o.value));
            ++adopted;
        }
    }
    const auto vanished = state->originals.size() - adopted;
    log_info("kept " + std::to_string(adopted) + " original value(s) recorded earlier in this boot" +
             (vanished ? "; " + std::to_string(vanished) + " were in namespaces that no longer exist"
                       : ""));
}

void persist_originals(Actuator& actuator)
{
    RollbackState state{current_boot_id(), {}};
    for (const auto& [key, value] : actuator.originals()) {
        const auto& [cookie, tunable] = key;
        state.originals.push_back({tunable, cookie, actuator.netns().path_of(cookie),
                                   actuator.netns().describe(cookie), value.format()});
    }
    if (auto saved = save_state(rollback_state_file(), state); !saved)
        log_warning("cannot save the rollback state: " + saved.error().message());
}

std::string status_line(std::size_t active, std::size_t changes)
{
    return std::to_string(active) + (active == 1 ? " tuner" : " tuners") + " active, " +
           std::to_string(changes) + (changes == 1 ? " change" : " changes") + " made";
}

// The namespaces named by --netns, as cookies; a name that does not resolve is a usage error.
Result<std::set<NetnsCookie>> resolve_scope(NetnsRegistry& netns, const std::vector<std::string>& names)
{
    std::set<NetnsCookie> scope;
    for (const auto& name : names) {
        auto cookie = netns.add(name);
        if (!cookie)
            return Error{cookie.error().code, "--netns " + name + ": " + cookie.error().message()};
        scope.insert(*cookie);
    }
    return scope;
}

// Attaches each selected tuner; one that cannot is reported with the kernel's reason and left out.
std::vector<RunningTuner> attach_tuners(std::vector<std::unique_ptr<Tuner>> selected,
                                        TunerContext& context, TunerRoster& roster)
{
    std::vector<RunningTuner> tuners;
    for (auto& tuner : selected) {
        auto attached = tuner->attach(context);
        if (!attached) {
            log_err("tuner " + std::string(tuner->name()) +
                    " cannot run: " + attached.error().message());
            roster.unsupported(*tuner, attached.error().message());
            continue;
        }
        log_info("tuner " + std::string(tuner->name()) + " is active: " +
                 std::string(tuner->description()));
        roster.active(*tuner);
        tuners.push_back({std::move(tuner)});
    }
    return tuners;
}

// Administrators win: their writes to any managed tunable stop bpftune there.
std::unique_ptr<SysctlWatch> watch_administrators(EventRouter& router, Actuator& actuator,
                                                  const BpfShared& bpf, const CgroupRoot* cgroup,
                                                  const std::vector<RunningTuner>& tuners)
{
    if (!cgroup) {
        log_warning("without a cgroup v2 root, administrators' sysctl writes go unseen; "
                    "bpftune may overwrite their changes");
        return nullptr;
    }
    std::map<std::string, std::string> managed;
    for (const auto& running : tuners)
        for (const auto& tunable : running.tuner->tunables())
            managed.emplace(tunable.name, std::string(running.tuner->name()));
    auto watch = SysctlWatch::start(router, actuator, bpf, managed, *cgroup);
    if (!watch) {
        log_warning("cannot watch for administrators' sysctl writes (" + watch.error().message() +
                    "); bpftune may overwrite their changes");
        return nullptr;
    }
    return std::move(*watch);
}

// The cgroup v2 root every cgroup program attaches to (mounted under the run directory when
// the system has none), or nothing, said once.
std::unique_ptr<CgroupRoot> open_cgroup_root()
{
    std::error_code ignored;
    std::filesystem::create_directories(run_directory(), ignored);
    auto root = CgroupRoot::open((run_directory() / "cgroup2").string());
    if (!root) {
        log_warning("no cgroup v2 root: " + root.error().message());
        return nullptr;
    }
    return std::make_unique<CgroupRoot>(std::move(*root));
}

// Logs the exit summary and statistics, and restores the originals with -R.
void finish(const Options& options, ChangeLog& changes, Actuator& actuator,
            const std::vector<RunningTuner>& tuners)
{
    for (const auto& line : changes.summary())
        log_notice(line);
    for (const auto& running : tuners)
        for (const auto& line : running.tuner->statistics())
            log_info(line);
    if (options.rollback) {
        actuator.restore_originals();
        std::filesystem::remove(rollback_state_file());
    }
    flush_repeated_messages();
}

}  // namespace

int run_daemon(const Options& options)
{
    const bool journal = ::access("/run/systemd/journal/socket", W_OK) == 0;
    // An operator at a terminal sees messages there too; under systemd stderr is the journal.
    init_logging({.to_stderr = options.to_stderr || ::isatty(STDERR_FILENO),
                  .debug = options.debug,
                  .to_journal = journal});
    route_libbpf_messages();
    return_large_blocks_on_free();

    boost::asio::io_context io;
    auto netns = NetnsRegistry::create();
    if (!netns) {
        log_err("cannot open the host network namespace: " + netns.error().message());
        return 1;
    }
    auto scope = resolve_scope(*netns, options.netns);
    auto selected = select_tuners(options.allow);
    if (!scope || !selected) {
        log_err((!scope ? scope.error() : selected.error()).message());
        return 2;
    }
    EventRouter router(netns->host_cookie());
    router.limit_to(*scope);

    TunerRoster roster;
    for (const auto& tuner : selected->left_out)
        roster.disabled(*tuner, "not named by --allow");
    ChangeLog changes;
    Actuator actuator(*netns, changes);
    adopt_persisted_originals(actuator, *netns);
    auto ring = RingBufferSource::create(io, router, ring_buffer_bytes);
    if (!ring) {
        log_err("cannot start: " + ring.error().message());
        return 1;
    }
    auto cgroup = open_cgroup_root();
    TunerContext context{io.get_executor(), actuator, router, {(*ring)->map_fd()},
                         options.learning_rate, cgroup ? cgroup->fd() : -1};
    auto tuners = attach_tuners(std::move(selected->chosen), context, roster);
    if (tuners.empty()) {
        log_err("no tuner could start; see bpftune -S");
        return 1;
    }
    auto watch = watch_administrators(router, actuator, context.bpf, cgroup.get(), tuners);

    // Everything is loaded and attached: keep only what running needs.
    if (auto dropped = drop_unneeded_capabilities(); !dropped)
        log_warning("keeping all capabilities: " + dropped.error().message());
    trim_heap();

    SystemdNotifier notifier(io);
    auto status = [&] {
        const auto active = std::ranges::count(tuners, false, &RunningTuner::failed);
        return status_line(static_cast<std::size_t>(active), changes.count());
    };
    boost::asio::co_spawn(io, (*ring)->run(), boost::asio::detached);
    for (auto& running : tuners) {
        // Not detached: a tuner that throws is logged by name and marked failed.
        boost::asio::co_spawn(io, running.tuner->run(), [&, t = &running](std::exception_ptr e) {
            if (!e)
                return;
            t->failed = true;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& error) {
                log_err("tuner " + std::string(t->tuner->name()) + " failed: " + error.what());
                roster.failed(t->tuner->name(), error.what());
            }
            notifier.status(status());
        });
    }
    boost::asio::co_spawn(io, notifier.watchdog(), boost::asio::detached);
    auto netns_watcher = NetnsWatcher::start(io, *netns);
    if (netns_watcher)
        boost::asio::co_spawn(io, (*netns_watcher)->run(), boost::asio::detached);
    else
        log_warning("new namespaces are found only when they send events: " +
                    netns_watcher.error().message());
    auto queries = start_query_server(io.get_executor(), roster, actuator, changes, *scope);

    // Nothing to reload yet; a SIGHUP must not kill the daemon.
    boost::asio::signal_set hangup(io, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_hangup =
        [&](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            log_info("SIGHUP: bpftune has no configuration to reload");
            hangup.async_wait(on_hangup);
        };
    hangup.async_wait(on_hangup);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    auto stop_all = [&] {
        notifier.stopping();
        for (auto& running : tuners)
            running.tuner->stop();
        (*ring)->stop();
        hangup.cancel();
        signals.cancel();
        if (netns_watcher)
            (*netns_watcher)->stop();
        notifier.stop();
        if (queries)
            queries->stop();
    };
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        log_info(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        stop_all();
    });

    log_notice("bpftune started: " + status() +
               (scope->empty() ? "" : ", limited to " + std::to_string(scope->size()) +
                                          " network namespace(s)"));
    notifier.ready(status());
    changes.on_change = [&] {
        persist_originals(actuator);
        notifier.status(status());
    };
    int exit_status = 0;
    try {
        io.run();
    } catch (const std::exception& error) {
        // Let every coroutine end while what it refers to still exists, then exit as usual.
        log_err(std::string("stopping after an unexpected error: ") + error.what());
        stop_all();
        io.restart();
        io.run();
        exit_status = 1;
    }
    finish(options, changes, actuator, tuners);
    return exit_status;
}

}  // namespace bpftune
