#include "tcp_cong_tuner.hpp"

#include "bpf/bpf_handles.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "log/log.hpp"
#include "tcp_cong_report.hpp"
#include "tcp_cong_rest.hpp"
#include "tuner/inbox.hpp"

#include "tcp_cong.skel.h"

#include <bpf/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace bpftune {
namespace {

using namespace std::chrono_literals;
using tcp_cong::Algorithms;

constexpr std::uint16_t tuner_id = BPFTUNE_TUNER_TCP_CONG;
constexpr std::size_t view_rows_max = 256;

// The rest period (see tcp_cong_rest.hpp), which BPFTUNE_TCP_CONG_REST_S (seconds, 1 to 3600)
// shortens for tests: a test cannot wait five minutes to see the program come back.
std::chrono::seconds rest_period()
{
    const char* text = std::getenv("BPFTUNE_TCP_CONG_REST_S");
    if (!text)
        return tcp_cong::rest_period;
    char* end = nullptr;
    const long seconds = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || seconds < 1 || seconds > 3600) {
        log_warning(std::string("tcp_cong: BPFTUNE_TCP_CONG_REST_S=") + text +
                    " is not a number of seconds from 1 to 3600; resting " +
                    std::to_string(tcp_cong::rest_period.count()) + " s");
        return tcp_cong::rest_period;
    }
    return std::chrono::seconds(seconds);
}

constexpr Scenario preference_changed{
    "preference_changed",
    "a destination's connections get another congestion-control algorithm, the one that "
    "delivered best towards it",
    "1f2b9da798134a0ebf0c1860a55698dd"};
constexpr std::array scenarios_{preference_changed};

const std::string default_algorithm_sysctl = "net.ipv4.tcp_congestion_control";

TunableSpec default_algorithm_spec()
{
    // Never written: an administrator who sets it in a namespace takes tcp_cong out of it.
    return TunableSpec{default_algorithm_sysctl,
                       "the namespace's default congestion control; set by an administrator, "
                       "tcp_cong stops choosing there",
                       TunableScope::per_netns, "", {}, false};
}

using Skeleton = SkeletonPtr<tcp_cong_bpf, tcp_cong_bpf__destroy>;

std::optional<tcp_cong_counts> summed_counts(const tcp_cong_bpf& skeleton);

std::string available_algorithms(Actuator& actuator)
{
    static const TunableSpec available{"net.ipv4.tcp_available_congestion_control", "",
                                       TunableScope::host, "", {}, false};
    auto value = actuator.read(0, available);
    return value ? value->format() : "";
}

// Asking for bbr on a socket makes the kernel load tcp_bbr when it is a module
// (CAP_NET_ADMIN): no modprobe, and nothing else changes.
void request_bbr_module()
{
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd)
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_CONGESTION, "bbr", 3);
}

// The algorithms to choose among; loads bbr only when the kernel lacks it (and not for a
// probe), and says so.
Algorithms algorithms_to_use(Actuator& actuator, bool probe_only)
{
    auto available = available_algorithms(actuator);
    if (available.find("bbr") == std::string::npos && !probe_only) {
        request_bbr_module();
        const auto after = available_algorithms(actuator);
        if (after.find("bbr") != std::string::npos)
            log_notice("tcp_cong: loaded the tcp_bbr module, so that connections losing "
                       "segments can be moved to bbr");
        else
            log_notice("tcp_cong: bbr is not available (" + available +
                       "); the loss rule is off");
        available = after;
    }
    return tcp_cong::pick_algorithms(available);
}

struct Destination {
    tcp_cong_key key;
    tcp_cong_destination state;
};

class TcpCongTuner final : public Tuner {
public:
    TcpCongTuner() : tunables_{default_algorithm_spec()} {}

    std::string_view name() const override { return "tcp_cong"; }
    std::string_view description() const override
    {
        return "gives each connection the congestion control that delivers best to its "
               "destination";
    }
    std::span<const TunableSpec> tunables() const override { return tunables_; }
    std::span<const Scenario> scenarios() const override { return scenarios_; }

    Result<void> attach(TunerContext& context) override;
    boost::asio::awaitable<void> run() override;
    void stop() override
    {
        if (inbox_)
            inbox_->close();
    }
    std::vector<std::string> hooks() const override { return hooks_; }
    std::vector<std::string> statistics() const override;
    std::string_view view_description() const override
    {
        return "per destination: connections given each algorithm, what each cost, min RTT "
               "and delivery rate";
    }
    TunerView view() const override;

    ~TcpCongTuner() override
    {
        if (router_)
            router_->unsubscribe(tuner_id);
    }

private:
    Result<void> load(Skeleton& skeleton, const TunerContext& context);
    // At the end of a watch or rest period: rests, watches on, or attaches again.
    void end_period(std::chrono::steady_clock::time_point now);
    void explain(const tcp_cong_event& event);
    void leave_alone(NetnsCookie cookie);
    void forget(NetnsCookie cookie);
    std::vector<Destination> destinations() const;

    std::array<TunableSpec, 1> tunables_;
    Algorithms algorithms_;
    Skeleton skeleton_;
    BpfLink link_;  // empty while resting
    int cgroup_root_fd_ = -1;
    std::vector<std::string> hooks_;
    std::chrono::seconds rest_ = tcp_cong::rest_period;
    std::chrono::steady_clock::time_point period_end_{};  // of the watch or rest period
    std::chrono::steady_clock::time_point watch_start_{};
    std::optional<tcp_cong_counts> at_watch_start_;  // none: unreadable then, no decision
    unsigned rests_ = 0;
    std::string rest_reason_;  // the last one
    Actuator* actuator_ = nullptr;
    EventRouter* router_ = nullptr;
    std::unique_ptr<Inbox<tcp_cong_event>> inbox_;
    Actuator::AdminListener admin_;
    NetnsRegistry::GoneListener gone_;
};

Result<void> TcpCongTuner::load(Skeleton& skeleton, const TunerContext& context)
{
    if (auto shared = share_with_daemon(*skeleton, context.bpf); !shared)
        return shared.error();
    auto* rodata = skeleton->rodata;
    rodata->arm_count = static_cast<__u32>(algorithms_.size());
    for (std::size_t arm = 0; arm < algorithms_.size(); ++arm) {
        std::strncpy(const_cast<char*>(rodata->arm_names[arm]), algorithms_[arm].c_str(),
                     TCP_CONG_NAME_BYTES - 1);
        if (algorithms_[arm] == "bbr")
            rodata->bbr_arm = static_cast<__u32>(arm);
    }
    rodata->limit_to_scope = !context.router.scope().empty();
    if (int err = tcp_cong_bpf__load(skeleton.get())) {
        auto reason = take_libbpf_reason();
        return Error{-err, "load the tcp_cong BPF program" +
                               (reason.empty() ? "" : " (" + reason + ")")};
    }
    const __u8 yes = 1;
    for (NetnsCookie cookie : context.router.scope())
        if (bpf_map_update_elem(bpf_map__fd(skeleton->maps.netns_in_scope), &cookie, &yes,
                                BPF_ANY) != 0)
            return errno_error("limit tcp_cong to the --netns namespaces");
    return {};
}

Result<void> TcpCongTuner::attach(TunerContext& context)
{
    if (context.cgroup_root_fd < 0)
        return Error{ENOENT, "tcp_cong: no cgroup v2 root to attach its sockops program to"};
    algorithms_ = algorithms_to_use(context.actuator, context.probe_only);
    if (algorithms_.size() < 2)
        return Error{ENOENT, "tcp_cong: fewer than two congestion-control algorithms are "
                             "available (" + join(algorithms_) + "); nothing to choose between"};
    Skeleton skeleton(tcp_cong_bpf__open());
    if (!skeleton)
        return errno_error("open the tcp_cong BPF object");
    if (auto loaded = load(skeleton, context); !loaded)
        return loaded.error();
    BpfLink link(bpf_program__attach_cgroup(skeleton->progs.bt_tcp_cong, context.cgroup_root_fd));
    if (!link)
        return errno_error("attach the tcp_cong sockops program to the cgroup v2 root");

    // Everything is in place: only now does the tuner keep it.
    skeleton_ = std::move(skeleton);
    link_ = std::move(link);
    cgroup_root_fd_ = context.cgroup_root_fd;
    hooks_ = {"sockops (cgroup v2 root)"};
    rest_ = rest_period();
    watch_start_ = std::chrono::steady_clock::now();
    period_end_ = watch_start_ + tcp_cong::watch_period;
    at_watch_start_ = tcp_cong_counts{};  // the maps were made with the program: all zero
    actuator_ = &context.actuator;
    router_ = &context.router;
    admin_ = context.actuator.when_admin_takes([this](NetnsCookie cookie, const std::string& name) {
        if (name == default_algorithm_sysctl)
            leave_alone(cookie);
    });
    gone_ = context.actuator.netns().when_gone([this](NetnsCookie cookie) { forget(cookie); });
    // One ring-buffer wake-up may bring many first preferences (a server's new clients).
    inbox_ = std::make_unique<Inbox<tcp_cong_event>>(context.executor, 1024);
    router_->subscribe(tuner_id, [this](NetnsCookie, RawRecord record) {
        auto event = record_as<tcp_cong_event>(record);
        if (event && event->header.kind == TCP_CONG_PREFERENCE_CHANGED)
            inbox_->offer(*event);
    });
    return {};
}

boost::asio::awaitable<void> TcpCongTuner::run()
{
    log_info("tcp_cong chooses among " + join(algorithms_));
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= period_end_)
            end_period(now);
        auto next = co_await inbox_->next(std::max<std::chrono::steady_clock::duration>(
            period_end_ - std::chrono::steady_clock::now(), 0s));
        if (std::holds_alternative<InboxClosed>(next))
            co_return;
        if (auto* event = std::get_if<tcp_cong_event>(&next))
            explain(*event);
    }
}

// What the program counted between two readings of its counters.
tcp_cong::WatchCounts counted_between(const tcp_cong_counts& then, const tcp_cong_counts& now)
{
    auto since = [&](tcp_cong_count which) { return now.n[which] - then.n[which]; };
    return {.connections = since(TCP_CONG_COUNT_ESTABLISHED),
            .samples = since(TCP_CONG_COUNT_SAMPLED),
            .loss_moves = since(TCP_CONG_COUNT_LOSS_SWITCHED) + since(TCP_CONG_COUNT_FELL_BACK)};
}

void TcpCongTuner::end_period(std::chrono::steady_clock::time_point now)
{
    const bool rested_just_now = !link_;
    if (!link_) {
        // The rest is over. A refused attach rests another period: one try per period, not
        // a storm, and the journal says so once.
        BpfLink link(bpf_program__attach_cgroup(skeleton_->progs.bt_tcp_cong, cgroup_root_fd_));
        if (!link) {
            const int err = errno;
            period_end_ = now + rest_;
            if (rest_reason_.rfind("refused", 0) != 0)
                log_warning("tcp_cong cannot attach its sockops program again: " +
                            std::string(std::strerror(err)) + "; it tries again every " +
                            std::to_string(rest_.count()) + " s");
            rest_reason_ = std::string("refused: ") + std::strerror(err);
            return;
        }
        link_ = std::move(link);
        log_debug("tcp_cong: watching connections again after a rest of " +
                  std::to_string(rest_.count()) + " s");
    }
    // One reading serves as this period's end and the next one's start, so nothing counted
    // falls between them; the rate is over the time that really passed. Just back from a
    // rest, it only starts a watch period.
    const auto counts = summed_counts(*skeleton_);
    const auto watched = std::chrono::duration_cast<std::chrono::seconds>(now - watch_start_);
    if (!rested_just_now && counts && at_watch_start_ && watched >= tcp_cong::watch_period) {
        const auto seen = counted_between(*at_watch_start_, *counts);
        if (tcp_cong::should_rest(seen, watched)) {
            link_.reset();
            ++rests_;
            rest_reason_ = tcp_cong::rest_reason(seen, watched, rest_);
            // Routine on a busy server, so news only the first time.
            log(rests_ == 1 ? Severity::info : Severity::debug, "tcp_cong: " + rest_reason_,
                {{"BPFTUNE_TUNER", "tcp_cong"}});
            period_end_ = now + rest_;
            return;
        }
    }
    at_watch_start_ = counts;
    watch_start_ = now;
    period_end_ = now + tcp_cong::watch_period;
}

void TcpCongTuner::explain(const tcp_cong_event& event)
{
    NetnsRegistry& netns = actuator_->netns();
    netns.lookup(event.key.netns_cookie);  // a container's first connection may come first
    const auto where = netns.describe(event.key.netns_cookie);
    const auto& d = event.destination;
    // A first preference is routine on a server with many clients; a change is news.
    log(event.previous == TCP_CONG_NO_ARM ? Severity::info : Severity::notice,
        tcp_cong::preference_message(algorithms_, event, where) + ": " +
            tcp_cong::preference_reason(algorithms_, d),
        {{"MESSAGE_ID", std::string(preference_changed.message_id)},
         {"BPFTUNE_TUNER", "tcp_cong"},
         {"BPFTUNE_SCENARIO", std::string(preference_changed.name)},
         {"BPFTUNE_NETNS", where},
         {"BPFTUNE_NETNS_COOKIE", std::to_string(event.key.netns_cookie)},
         {"BPFTUNE_DESTINATION", tcp_cong::destination_text(event.key)},
         {"BPFTUNE_OLD", tcp_cong::algorithm_name(algorithms_, event.previous)},
         {"BPFTUNE_NEW", tcp_cong::algorithm_name(algorithms_, d.preferred)},
         {"BPFTUNE_CONNECTIONS", std::to_string(tcp_cong::connections_of(d))},
         {"BPFTUNE_REASON", tcp_cong::preference_reason(algorithms_, d)},
         {"BPFTUNE_EVIDENCE", tcp_cong::preference_evidence(algorithms_, d)}});
}

// The map first, then the count the program reads before looking there (see
// netns_left_alone_count): a connection established in between is still chosen for.
void TcpCongTuner::leave_alone(NetnsCookie cookie)
{
    const __u8 yes = 1;
    const int fd = bpf_map__fd(skeleton_->maps.netns_left_alone);
    if (bpf_map_update_elem(fd, &cookie, &yes, BPF_NOEXIST) == 0)
        ++skeleton_->bss->netns_left_alone_count;
    else if (errno != EEXIST)
        log_warning("tcp_cong cannot step back in netns " + actuator_->netns().describe(cookie) +
                    ": " + std::strerror(errno) + "; it goes on choosing there");
}

// A deleted namespace: its destinations and its administrator's choice go with it.
void TcpCongTuner::forget(NetnsCookie cookie)
{
    if (bpf_map_delete_elem(bpf_map__fd(skeleton_->maps.netns_left_alone), &cookie) == 0 &&
        skeleton_->bss->netns_left_alone_count > 0)
        --skeleton_->bss->netns_left_alone_count;
    const int fd = bpf_map__fd(skeleton_->maps.destinations);
    for (const auto& destination : destinations())
        if (destination.key.netns_cookie == cookie)
            bpf_map_delete_elem(fd, &destination.key);
}

// Every destination, read in one batch: a key-by-key walk restarts when the LRU evicts the
// key it stands on, and then repeats or misses entries.
std::vector<Destination> TcpCongTuner::destinations() const
{
    const auto* map = skeleton_->maps.destinations;
    const __u32 entries_max = bpf_map__max_entries(map);
    std::vector<tcp_cong_key> keys(entries_max);
    std::vector<tcp_cong_destination> values(entries_max);
    __u32 count = entries_max, cursor = 0;
    const int err = bpf_map_lookup_batch(bpf_map__fd(map), nullptr, &cursor, keys.data(),
                                         values.data(), &count, nullptr);
    if (err && errno != ENOENT) {  // ENOENT: the whole map fitted
        log_debug(std::string("tcp_cong: cannot read its destinations: ") + std::strerror(errno));
        return {};
    }
    std::vector<Destination> found;
    for (__u32 i = 0; i < count && i < entries_max; ++i)
        found.push_back({keys[i], values[i]});
    return found;
}

TunerView TcpCongTuner::view() const
{
    if (!skeleton_)
        return {};
    auto found = destinations();
    std::ranges::sort(found, std::greater{}, [](const Destination& d) {
        return tcp_cong::connections_of(d.state);
    });
    TunerView view;
    view.columns = tcp_cong::view_columns();
    NetnsRegistry& netns = actuator_->netns();
    for (std::size_t i = 0; i < found.size() && i < view_rows_max; ++i) {
        const auto& [key, state] = found[i];
        const auto where = netns.describe(key.netns_cookie);
        for (auto& row : tcp_cong::view_rows(algorithms_, key, state, where))
            view.rows.push_back(std::move(row));
        view.details.push_back(tcp_cong::destination_json(algorithms_, key, state, where));
    }
    if (found.size() > view_rows_max)
        view.note = std::to_string(view_rows_max) + " of " + std::to_string(found.size()) +
                    " destinations shown, those with the most connections";
    return view;
}

// The per-CPU counters of the tcp_cong_counts map, summed; nothing when they cannot be read
// (errno says why), so that no false zeros are reported.
std::optional<tcp_cong_counts> summed_counts(const tcp_cong_bpf& skeleton)
{
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) {
        errno = -cpus;
        return std::nullopt;
    }
    std::vector<tcp_cong_counts> per_cpu(static_cast<std::size_t>(cpus));
    const __u32 zero = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skeleton.maps.tcp_cong_counts), &zero, per_cpu.data()) != 0)
        return std::nullopt;
    tcp_cong_counts total{};
    for (const auto& counts : per_cpu)
        for (int i = 0; i < TCP_CONG_COUNTS; ++i)
            total.n[i] += counts.n[i];
    return total;
}

std::vector<std::string> TcpCongTuner::statistics() const
{
    if (!skeleton_)
        return {};
    const auto* bss = skeleton_->bss;
    auto count = [](std::uint64_t n, const char* what) { return std::to_string(n) + " " + what; };
    std::vector<std::string> counts;
    if (const auto counted = summed_counts(*skeleton_)) {
        auto n = [&](tcp_cong_count which) { return counted->n[which]; };
        counts = {count(n(TCP_CONG_COUNT_CHOSEN), "connections given an algorithm (") +
                      count(n(TCP_CONG_COUNT_LEARNED_FROM), "learned from)"),
                  count(n(TCP_CONG_COUNT_LOSS_SWITCHED), "moved to bbr after loss"),
                  count(n(TCP_CONG_COUNT_FELL_BACK), "sent back from exploring after loss"),
                  count(n(TCP_CONG_COUNT_APPLICATION_OWNED), "left to the application's own choice"),
                  count(n(TCP_CONG_COUNT_KEPT_DEFAULT),
                        "kept the namespace's default (nothing preferred yet)"),
                  count(n(TCP_CONG_COUNT_CHANGED_ELSEWHERE), "let go when their application changed it"),
                  count(n(TCP_CONG_COUNT_SETSOCKOPT_FAILURES), "refused by the kernel")};
    } else {
        counts = {std::string("connection counts unreadable (") + std::strerror(errno) + ")"};
    }
    counts.push_back(count(bss->bpftune_lost_events, "events lost (ring buffer full)"));
    counts.push_back(count(inbox_ ? inbox_->dropped() : 0, "dropped (inbox full)"));
    const auto rested = " (rested " + std::to_string(rests_) + (rests_ == 1 ? " time)" : " times)");
    return {"tcp_cong: hooks " + join(hooks_) + "; chooses among " + join(algorithms_),
            "tcp_cong: " + join(counts),
            link_ ? "tcp_cong: watching connections" + rested
                  : "tcp_cong: resting" + rested + ": " + rest_reason_};
}

}  // namespace

std::unique_ptr<Tuner> make_tcp_cong_tuner()
{
    return std::make_unique<TcpCongTuner>();
}

}  // namespace bpftune
