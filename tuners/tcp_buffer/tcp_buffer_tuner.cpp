#include "tcp_buffer_tuner.hpp"

#include "bpf/bpf_handles.hpp"
#include "core/text.hpp"
#include "log/log.hpp"
#include "tcp_buffer_messages.hpp"
#include "tcp_buffer_on_demand.hpp"
#include "tcp_buffer_policy.hpp"
#include "tcp_buffer_signal.hpp"
#include "tcp_buffer_unpin.hpp"
#include "tuner/inbox.hpp"

#include "tcp_buffer.skel.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

namespace bpftune {
namespace {

using namespace std::chrono_literals;
using tcp_buffer::Side;

constexpr std::uint16_t tuner_id = BPFTUNE_TUNER_TCP_BUFFER;

// How the programs on every read and write read the socket.
enum class ReadMethod { direct, probe };

// BPFTUNE_BPF_READS=probe takes the probe-read programs where plain loads would do, so that
// the path older kernels take stays tested here.
bool probe_reads_requested()
{
    const char* value = std::getenv("BPFTUNE_BPF_READS");
    return value && std::string_view(value) == "probe";
}

ReadMethod read_method()
{
    return !probe_reads_requested() && kernel_has_function("bpf_rdonly_cast") ? ReadMethod::direct
                                                                            : ReadMethod::probe;
}

std::string read_method_reason()
{
    return probe_reads_requested() ? "BPFTUNE_BPF_READS=probe"
                                   : "no bpf_rdonly_cast in this kernel's BTF";
}
// After the kernel refused a TCP memory charge, or TCP memory was seen near pressure, do not
// raise buffers for this long. Pressure lasts (the kernel keeps it until usage falls under
// tcp_mem[0]), while one read can miss it: since Linux 6.0 each CPU holds back up to 1 MB of
// TCP's memory count, so /proc/net/sockstat may say 0 pages under load.
constexpr auto memory_limit_quiet = 30s;
// How old a read of TCP memory state (three /proc files) may be for a window held back.
constexpr auto held_memory_read_age = 1s;
// The strategy timeout: how often an idle tuner re-checks memory state.
constexpr auto idle_check_interval = 10s;
// The program on every read stays attached this long after the last socket held back by
// tcp_rmem[2]. Reattaching costs one syscall and one interval.
constexpr auto per_read_linger = 10s;
// Both programs that come and go are attached for this long from the start. Connections held
// back by tcp_rmem[2] before it never grow again, so only the program on every read sees them;
// it does on their next interval, one round trip (3 s covers a 1.5 s RTT twice), and from
// then on they keep it attached. A sender held back is seen on its next write.
constexpr auto start_watch = 3s;
// The program on every send runs on every write of every TCP socket, and most of what it costs
// is the kernel's dispatch to it, not its own checks (churn here, 2026-12-07: 85 ns a send
// under perf, nearly all in bpf_trace_run4), so sampling within it saves nothing more. A
// sender held back by tcp_wmem[2] stays held back for as long as it sends, so a window of
// send_window in every send_window_every sees it, at a quarter of the cost, a few seconds
// later at most. Once one is seen the program stays attached until no send buffer has been
// held back for per_send_linger, so the raises that follow come as quickly as before. Two
// wakeups every 4 s keep an idle daemon under one a second.
constexpr auto send_window = 1s;
constexpr auto send_window_every = 4s;
constexpr auto per_send_linger = 10s;

constexpr Scenario rmem_limited{
    "rmem_limited", "TCP receive buffers were held back by net.ipv4.tcp_rmem[2]",
    "8f82386388c24e9cbb22232a64b815e3"};
constexpr Scenario wmem_limited{
    "wmem_limited", "TCP send buffers were held back by net.ipv4.tcp_wmem[2]",
    "0d9a7bdab1c045a68aab12c191e9a861"};
constexpr Scenario latency_correlated{
    "latency_correlated", "larger TCP buffers were raising round-trip times; raising stopped",
    "1b56616e0c4c46af9109992c5d36c422"};
constexpr Scenario memory_pressure{
    "memory_pressure", "TCP memory is near net.ipv4.tcp_mem pressure; buffers are not raised",
    "a08af788df7b4964b95967488f77f086"};
// Not a change of a tunable, so not a scenario: the journal entry of an unpin pass.
constexpr std::string_view receivers_unpinned_id = "2ffb5ff4f01c40e18f0711066f942e0e";
constexpr std::array scenarios_{rmem_limited, wmem_limited, latency_correlated, memory_pressure};

// TCP memory counters are host-wide, so the daemon's own /proc/net is the right one.
std::string file_text(const char* path)
{
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

std::int64_t physical_ram_bytes()
{
    return static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
}

TunableSpec buffer_spec(const char* name, const char* description, std::int64_t hard_max)
{
    const ValueLimit limit{1, hard_max};
    return TunableSpec{name, description, TunableScope::per_netns, "min default max",
                       {limit, limit, limit}, true};
}

using Skeleton = SkeletonPtr<tcp_buffer_bpf, tcp_buffer_bpf__destroy>;

// What the tuner remembers per namespace and side.
struct SideState {
    Correlation buffer_vs_rtt;
    bool latency_reported = false;
    bool hard_limit_reported = false;
};

class TcpBufferTuner final : public Tuner {
public:
    TcpBufferTuner()
        : hard_max_(tcp_buffer::hard_max_bytes(physical_ram_bytes())),
          tunables_{buffer_spec("net.ipv4.tcp_rmem",
                                "TCP receive buffer sizes (min default max), bytes", hard_max_),
                    buffer_spec("net.ipv4.tcp_wmem",
                                "TCP send buffer sizes (min default max), bytes", hard_max_)}
    {
    }

    std::string_view name() const override { return "tcp_buffer"; }
    std::string_view description() const override
    {
        return "raises TCP buffer ceilings for connections that need more";
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
    std::vector<std::string> statistics() const override;
    std::vector<std::string> hooks() const override { return hooks_; }

    ~TcpBufferTuner() override
    {
        if (router_)
            router_->unsubscribe(tuner_id);
    }

private:
    // Whether the buffer's ceiling could still be raised: not where an administrator owns
    // it, a write was refused, the namespace is gone, or it is at the hard maximum (judged by
    // the value: other verdicts may come first). Only such a buffer keeps the program that
    // saw it attached; a long transfer held back by a ceiling bpftune cannot move would
    // otherwise keep the program on every send or read attached for as long as it runs.
    [[nodiscard]] bool handle(const tcp_buffer::BufferLimited& limited);
    // The program on every read, where it is attached on demand (see tcp_buffer.bpf.c).
    void start_per_read(NetnsCookie asked_by);
    void end_idle_per_read(std::chrono::steady_clock::time_point now);
    // The program on every send, in windows (see send_window): attaches or detaches it when due.
    void pace_per_send(std::chrono::steady_clock::time_point now);
    std::chrono::steady_clock::time_point per_send_due(std::chrono::steady_clock::time_point now) const;
    // How long the coroutine may wait for a signal: the idle check, or sooner the moment the
    // program on every read is due to be detached or the one on every send attached or detached.
    std::chrono::steady_clock::duration next_wake(std::chrono::steady_clock::time_point now) const;
    void explain_hold(const tcp_buffer::Decision& decision, const tcp_buffer::BufferLimited& limited,
                      std::int64_t live_max, std::uint32_t min_rtt_us, SideState& state);
    void note_memory_limit(const tcp_buffer::MemoryLimit& memory);
    // After a raise of tcp_rmem[2]: grows the connections the old ceiling held.
    void unpin_receivers(NetnsCookie cookie, std::int64_t old_max_bytes,
                         std::int64_t new_max_bytes);
    // max_age 0: read now. A raise always reads now; a held window may use a recent read.
    tcp_buffer::TcpMemory read_tcp_memory(std::chrono::steady_clock::duration max_age = {});
    const TunableSpec& spec(Side side) const { return tunables_[side == Side::receive ? 0 : 1]; }

    std::int64_t hard_max_;
    std::array<TunableSpec, 2> tunables_;
    Skeleton skeleton_;
    std::vector<BpfLink> links_;
    std::vector<std::string> hooks_;
    // On demand: the per-read receive program while attached, and what it is.
    tcp_buffer::OnDemandProgram per_read_;
    // In windows: the send program, where the kernel has its tracepoint.
    tcp_buffer::OnDemandProgram per_send_;
    tcp_buffer::ReceiveUnpinner unpinner_;
    std::chrono::steady_clock::time_point last_receive_need_{};
    std::chrono::steady_clock::time_point last_send_need_{};
    std::chrono::steady_clock::time_point send_window_end_{};
    std::chrono::steady_clock::time_point next_send_window_{};
    TunerContext* context_ = nullptr;
    EventRouter* router_ = nullptr;
    std::unique_ptr<Inbox<tcp_buffer::Signal>> inbox_;
    std::map<std::pair<NetnsCookie, Side>, SideState> state_;
    tcp_buffer::PeerPaths peer_paths_;
    // The last memory limit event or reading near pressure.
    std::chrono::steady_clock::time_point last_memory_limit_{};
    bool pressure_reported_ = false;
    tcp_buffer::TcpMemory memory_;  // the last read_tcp_memory(), and when
    std::chrono::steady_clock::time_point memory_read_at_{};
    // Containers come and go; what was learned about a deleted namespace is dropped with it.
    NetnsRegistry::GoneListener gone_;
};

// Opens and loads the object with one of each pair of receive and send programs: plain loads
// or probe reads (see tcp_buffer.bpf.c).
Result<Skeleton> load_programs(const BpfShared& shared, ReadMethod reads, bool has_sendmsg,
                               bool has_rcvbuf_grow)
{
    Skeleton skeleton(tcp_buffer_bpf__open());
    if (!skeleton)
        return errno_error("open the tcp_buffer BPF object");
    if (auto shared_maps = share_with_daemon(*skeleton, shared); !shared_maps)
        return shared_maps.error();
    const bool direct = reads == ReadMethod::direct;
    auto& programs = skeleton->progs;
    bpf_program__set_autoload(direct ? programs.bt_rcv_probed : programs.bt_rcv_space, false);
    bpf_program__set_autoload(direct ? programs.bt_send_probed : programs.bt_sendmsg, false);
    bpf_program__set_autoload(direct ? programs.bt_grow_probed : programs.bt_rcv_grow, false);
    if (!has_rcvbuf_grow)
        bpf_program__set_autoload(direct ? programs.bt_rcv_grow : programs.bt_grow_probed, false);
    if (!has_sendmsg)
        bpf_program__set_autoload(direct ? programs.bt_sendmsg : programs.bt_send_probed, false);
    if (int err = tcp_buffer_bpf__load(skeleton.get())) {
        auto reason = take_libbpf_reason();
        return Error{-err, "load the tcp_buffer BPF programs" +
                               (reason.empty() ? "" : " (" + reason + ")")};
    }
    return skeleton;
}

// Attaches one program, keeping its link and naming its hook; one missing hook costs its
// signal, not the tuner.
bool attach_one(bpf_program* program, std::vector<BpfLink>& links, std::vector<std::string>& hooks)
{
    auto link = attach_program(program);
    if (!link) {
        log_warning("tcp_buffer: " + link.error().message() + "; going on without it");
        return false;
    }
    links.push_back(std::move(*link));
    hooks.push_back(bpf_program__section_name(program));
    return true;
}

void warn_per_read_refused(const Error& error)
{
    // The grow program alone still sees every connection while it grows.
    log_warning("tcp_buffer: " + error.message() +
                "; connections held steady at net.ipv4.tcp_rmem[2] go unseen");
}

void warn_per_send_refused(const Error& error)
{
    log_warning("tcp_buffer: " + error.message() +
                "; send buffers (tcp_wmem) are not watched from now on");
}

struct AttachedPrograms {
    std::vector<BpfLink> links;
    std::vector<std::string> hooks;
    tcp_buffer::OnDemandProgram per_read;  // managed only where the grow program attached
    tcp_buffer::OnDemandProgram per_send;  // managed where the send program was loaded
};

// Attaches every loaded program. With the grow program in place the per-read one is attached
// on demand, from the start (see per_read_linger); without it, for good, like the others. The
// send program is attached in windows (see send_window), from the start.
AttachedPrograms attach_programs(Skeleton& skeleton, ReadMethod reads)
{
    AttachedPrograms attached;
    auto& programs = skeleton->progs;
    bpf_program* const per_send =
        reads == ReadMethod::direct ? programs.bt_sendmsg : programs.bt_send_probed;
    if (bpf_program__autoload(per_send))
        attached.per_send = tcp_buffer::OnDemandProgram(
            per_send, nullptr,
            "in windows of " + std::to_string(send_window.count()) + " s every " +
                std::to_string(send_window_every.count()) + " s");
    bpf_program* const grow =
        reads == ReadMethod::direct ? programs.bt_rcv_grow : programs.bt_grow_probed;
    bpf_program* const per_read =
        reads == ReadMethod::direct ? programs.bt_rcv_space : programs.bt_rcv_probed;
    if (bpf_program__autoload(grow) && attach_one(grow, attached.links, attached.hooks))
        attached.per_read =
            tcp_buffer::OnDemandProgram(per_read, &skeleton->bss->rcv_per_read_on, "on demand");
    const bool per_read_on_demand = attached.per_read.managed();
    bpf_program* program;
    bpf_object__for_each_program(program, skeleton->obj)
    {
        if (bpf_program__autoload(program) && program != grow && program != per_send &&
            !(per_read_on_demand && program == per_read))
            attach_one(program, attached.links, attached.hooks);
    }
    if (attached.per_send.managed()) {
        if (auto done = attached.per_send.attach(); !done)
            warn_per_send_refused(done.error());
        attached.hooks.push_back(attached.per_send.hook());
    }
    if (per_read_on_demand) {
        if (auto done = attached.per_read.attach(); !done)
            warn_per_read_refused(done.error());
        attached.hooks.push_back(attached.per_read.hook());
    }
    return attached;
}

Result<void> TcpBufferTuner::attach(TunerContext& context)
{
    const bool has_sendmsg = kernel_has_raw_tracepoint("tcp_sendmsg_locked");
    if (!has_sendmsg)
        log_notice("tcp_buffer: this kernel has no tcp_sendmsg_locked tracepoint; "
                   "send buffers (tcp_wmem) are not tuned");
    const bool has_rcvbuf_grow = kernel_has_raw_tracepoint("tcp_rcvbuf_grow");
    ReadMethod reads = read_method();
    std::string reads_reason = read_method_reason();
    auto loaded = load_programs(context.bpf, reads, has_sendmsg, has_rcvbuf_grow);
    if (!loaded && reads == ReadMethod::direct) {
        // The kfunc is there but the kernel may still refuse its use (no JIT, an
        // architecture whose JIT lacks kfunc calls): the probe reads work everywhere.
        reads_reason = "the plain-load programs were refused: " + loaded.error().message();
        log_warning("tcp_buffer: " + reads_reason + "; loading the probe-read ones");
        reads = ReadMethod::probe;
        loaded = load_programs(context.bpf, reads, has_sendmsg, has_rcvbuf_grow);
    }
    if (!loaded)
        return loaded.error();
    Skeleton skeleton = std::move(*loaded);

    auto attached = attach_programs(skeleton, reads);
    if (attached.links.empty() && !attached.per_read.attached() && !attached.per_send.attached())
        return Error{ENOENT, "tcp_buffer: none of its BPF programs could attach"};

    // Everything is in place: only now does the tuner keep it.
    log_info(reads == ReadMethod::direct
                 ? "tcp_buffer: reads sockets with plain loads (bpf_rdonly_cast)"
                 : "tcp_buffer: reads sockets with bpf_probe_read_kernel (" + reads_reason + ")");
    skeleton_ = std::move(skeleton);
    links_ = std::move(attached.links);
    hooks_ = std::move(attached.hooks);
    per_read_ = std::move(attached.per_read);
    per_send_ = std::move(attached.per_send);
    unpinner_ = tcp_buffer::ReceiveUnpinner(bpf_map__fd(skeleton_->maps.rcv_marks));
    context_ = &context;
    router_ = &context.router;
    gone_ = context.actuator.netns().when_gone([this](NetnsCookie cookie) {
        std::erase_if(state_, [cookie](const auto& item) { return item.first.first == cookie; });
        peer_paths_.forget_netns(cookie);
    });
    inbox_ = std::make_unique<Inbox<tcp_buffer::Signal>>(context.executor, 256);
    router_->subscribe(tuner_id, [this](NetnsCookie cookie, RawRecord record) {
        if (auto signal = tcp_buffer::decode(cookie, record))
            inbox_->offer(std::move(*signal));
    });
    return {};
}

boost::asio::awaitable<void> TcpBufferTuner::run()
{
    // Both programs attached for start_watch from now, when the daemon has loaded everything
    // (as if the last buffer held back were that long short of its linger).
    const auto start = std::chrono::steady_clock::now();
    last_receive_need_ = start - per_read_linger + start_watch;
    last_send_need_ = start - per_send_linger;
    send_window_end_ = start + start_watch;
    for (;;) {
        auto next = co_await inbox_->next(next_wake(std::chrono::steady_clock::now()));
        if (std::holds_alternative<InboxClosed>(next))
            co_return;
        if (std::holds_alternative<InboxTimeout>(next)) {
            // Quiet period: memory state is re-read before the next raise anyway.
            pressure_reported_ = pressure_reported_ && near_memory_pressure(read_tcp_memory());
            end_idle_per_read(std::chrono::steady_clock::now());
            pace_per_send(std::chrono::steady_clock::now());
            continue;
        }
        auto& signal = std::get<tcp_buffer::Signal>(next);
        if (signal.memory)
            note_memory_limit(*signal.memory);
        if (signal.receive_near_ceiling)
            start_per_read(signal.receive_near_ceiling->netns_cookie);
        if (signal.buffer && handle(*signal.buffer))
            (signal.buffer->side == Side::receive ? last_receive_need_ : last_send_need_) =
                std::chrono::steady_clock::now();
        end_idle_per_read(std::chrono::steady_clock::now());
        pace_per_send(std::chrono::steady_clock::now());
    }
}

void TcpBufferTuner::start_per_read(NetnsCookie asked_by)
{
    // A ceiling bpftune will not write is nothing to watch for (see handle()).
    if (context_->actuator.leaves_alone(asked_by, spec(Side::receive)))
        return;
    last_receive_need_ = std::chrono::steady_clock::now();
    if (!per_read_.managed() || per_read_.attached())
        return;
    if (auto attached = per_read_.attach(); !attached)
        warn_per_read_refused(attached.error());
    else if (per_read_.attached())
        log_debug("tcp_buffer: a receive buffer in netns " +
                  context_->actuator.netns().describe(asked_by) +
                  " neared net.ipv4.tcp_rmem[2]; watching every read");
}

std::chrono::steady_clock::duration
TcpBufferTuner::next_wake(std::chrono::steady_clock::time_point now) const
{
    auto wake = now + idle_check_interval;
    if (per_read_.attached())
        wake = std::min(wake, last_receive_need_ + per_read_linger);
    if (per_send_.managed())
        wake = std::min(wake, per_send_due(now));
    return std::clamp<std::chrono::steady_clock::duration>(wake - now, 0s, idle_check_interval);
}

// When the program on every send is next due to change: attached, the end of its window or
// of the linger after the last send buffer held back, whichever is later; detached, the start
// of the next window. A program the kernel refused is never due.
std::chrono::steady_clock::time_point
TcpBufferTuner::per_send_due(std::chrono::steady_clock::time_point now) const
{
    if (per_send_.attached())
        return std::max(send_window_end_, last_send_need_ + per_send_linger);
    if (per_send_.refused())
        return now + idle_check_interval;
    // A send buffer held back that was reported just after a detach attaches it at once.
    if (now - last_send_need_ < per_send_linger)
        return now;
    return next_send_window_;
}

void TcpBufferTuner::pace_per_send(std::chrono::steady_clock::time_point now)
{
    if (!per_send_.managed() || now < per_send_due(now))
        return;
    if (per_send_.attached()) {
        per_send_.detach();
        next_send_window_ = now + send_window_every - send_window;
        log_debug("tcp_buffer: the program on every send is detached until its next window");
        return;
    }
    send_window_end_ = now + send_window;
    if (auto attached = per_send_.attach(); !attached)
        warn_per_send_refused(attached.error());
}

void TcpBufferTuner::end_idle_per_read(std::chrono::steady_clock::time_point now)
{
    if (!per_read_.attached() || now - last_receive_need_ < per_read_linger)
        return;
    per_read_.detach();
    log_debug("tcp_buffer: no receive buffer held back by net.ipv4.tcp_rmem[2] for " +
              std::to_string(per_read_linger.count()) + " s; reads are watched as they grow");
}

tcp_buffer::TcpMemory TcpBufferTuner::read_tcp_memory(std::chrono::steady_clock::duration max_age)
{
    const auto now = std::chrono::steady_clock::now();
    if (now - memory_read_at_ < max_age)
        return memory_;
    memory_read_at_ = now;
    tcp_buffer::TcpMemory& memory = memory_;
    memory = {};
    memory.allocated_pages =
        tcp_buffer::parse_sockstat_tcp_pages(file_text("/proc/net/sockstat")).value_or(0);
    memory.kernel_in_pressure =
        tcp_buffer::parse_protocols_tcp_pressure(file_text("/proc/net/protocols"));
    static const TunableSpec tcp_mem{"net.ipv4.tcp_mem", "", TunableScope::host, "", {}, false};
    auto limits = context_->actuator.read(0, tcp_mem);
    if (limits && limits->numbers.size() == 3)
        memory.pressure_pages = limits->numbers[1];
    return memory;
}

void TcpBufferTuner::note_memory_limit(const tcp_buffer::MemoryLimit& memory)
{
    last_memory_limit_ = std::chrono::steady_clock::now();
    if (pressure_reported_)
        return;
    pressure_reported_ = true;
    log(Severity::notice,
        "TCP memory reached its limit (" + std::to_string(memory.allocated_pages) +
            " pages allocated, net.ipv4.tcp_mem = " + std::to_string(memory.tcp_mem_pages[0]) +
            " " + std::to_string(memory.tcp_mem_pages[1]) + " " +
            std::to_string(memory.tcp_mem_pages[2]) + "); tcp_buffer will not raise buffers for " +
            std::to_string(memory_limit_quiet.count()) + " s",
        {{"MESSAGE_ID", std::string(memory_pressure.message_id)},
         {"BPFTUNE_TUNER", "tcp_buffer"},
         {"BPFTUNE_SCENARIO", std::string(memory_pressure.name)}});
}

bool TcpBufferTuner::handle(const tcp_buffer::BufferLimited& limited)
{
    const TunableSpec& tunable = spec(limited.side);
    Actuator& actuator = context_->actuator;
    if (actuator.leaves_alone(limited.netns_cookie, tunable))
        return false;
    auto live = actuator.read(limited.netns_cookie, tunable);
    if (!live || live->numbers.size() != 3)
        return false;  // the namespace went away, or the sysctl is not there
    const bool raisable = live->numbers[2] < hard_max_;
    auto& state = state_[{limited.netns_cookie, limited.side}];
    state.buffer_vs_rtt.add(limited.sysctl_max_bytes, limited.rtt_us);
    const std::string peer_key = std::to_string(limited.netns_cookie) + "/" + limited.peer;
    const auto min_rtt_us = peer_paths_.observe_rtt(peer_key, limited.rtt_us);

    tcp_buffer::RaiseInputs inputs{
        .live_max = live->numbers[2],
        .observed_max = limited.sysctl_max_bytes,
        .delivery = limited.side == Side::receive
                        ? std::optional(tcp_buffer::Delivery{
                              .copied_bytes = limited.copied_bytes,
                              .previous_bytes = limited.previous_bytes,
                              .interval_us = limited.interval_us,
                              .arrived_bytes = limited.arrived_bytes,
                              .arrival_interval_us = limited.arrival_interval_us,
                              .scaling_ratio = limited.scaling_ratio,
                              .previous_window_bytes = peer_paths_.last_window(peer_key),
                              .out_of_order = limited.out_of_order != 0})
                        : std::nullopt,
        .hard_max = hard_max_,
        .growth = tcp_buffer::growth_for(context_->learning_rate),
        .memory_pressure = false,
        .buffer_vs_rtt = &state.buffer_vs_rtt,
        .rtt_us = limited.rtt_us,
        .min_rtt_us = min_rtt_us,
    };
    auto decision = tcp_buffer::decide_raise(inputs);
    if (decision.need)
        peer_paths_.remember_window(peer_key, decision.need->measured_window_bytes);
    using enum tcp_buffer::Verdict;
    if (decision.verdict == raise || decision.verdict == still_growing ||
        decision.verdict == nearly_enough) {
        // Memory is read only when a raise is about to happen, or when a window does not fill
        // its ceiling, as TCP memory pressure makes the kernel hold windows small.
        // Held windows come up to 20 times a second per namespace; one read a second serves
        // them. A raise never goes on an old read.
        const auto now = std::chrono::steady_clock::now();
        if (near_memory_pressure(read_tcp_memory(decision.verdict == raise
                                                     ? std::chrono::steady_clock::duration{}
                                                     : held_memory_read_age)))
            last_memory_limit_ = now;
        inputs.memory_pressure = now - last_memory_limit_ < memory_limit_quiet;
        decision = tcp_buffer::decide_raise(inputs);
    }

    if (decision.verdict == tcp_buffer::Verdict::raise) {
        SysctlValue next = *live;
        next.numbers[2] = decision.step.new_max;
        const auto outcome = actuator.apply(ChangeRequest{
            .tuner = "tcp_buffer",
            .tunable = &tunable,
            .netns_cookie = limited.netns_cookie,
            .new_value = next,
            .scenario = limited.side == Side::receive ? rmem_limited : wmem_limited,
            .reason = tcp_buffer::raise_reason(limited, decision, min_rtt_us),
            .evidence = tcp_buffer::raise_evidence(limited),
        });
        if (outcome.status == WriteStatus::applied && limited.side == Side::receive)
            unpin_receivers(limited.netns_cookie, live->numbers[2], decision.step.new_max);
        return outcome.status == WriteStatus::applied || outcome.status == WriteStatus::unchanged;
    }
    explain_hold(decision, limited, live->numbers[2], min_rtt_us, state);
    return raisable;
}

void TcpBufferTuner::unpin_receivers(NetnsCookie cookie, std::int64_t old_max_bytes,
                                     std::int64_t new_max_bytes)
{
    if (!unpinner_.available())
        return;
    auto pass = unpinner_.unpin(context_->actuator.netns(), cookie, old_max_bytes, new_max_bytes);
    const std::string where = context_->actuator.netns().describe(cookie);
    if (!pass) {
        if (!unpinner_.available())
            log_notice("tcp_buffer: " + pass.error().message() +
                       "; connections held at an old net.ipv4.tcp_rmem[2] grow when jitter "
                       "lets them, or when they reconnect");
        else
            log_debug("tcp_buffer: no unpin pass in netns " + where + ": " +
                      pass.error().message());
        return;
    }
    log_debug("tcp_buffer: unpin pass in netns " + where + " (" +
              std::to_string(pass->visited) + " sockets walked in " +
              tcp_buffer::format_duration_us(pass->elapsed_us) + "): " +
              std::to_string(pass->held) + " at the old ceiling, " + std::to_string(pass->unmarked) +
              " of them never seen near it, " + std::to_string(pass->refused) +
              " refused by bpf_setsockopt, " + std::to_string(pass->grown) + " grown");
    if (pass->grown == 0 && pass->left_locked == 0)
        return;
    log(Severity::info, tcp_buffer::unpin_report(where, old_max_bytes, new_max_bytes, *pass),
        {{"MESSAGE_ID", std::string(receivers_unpinned_id)},
         {"BPFTUNE_TUNER", "tcp_buffer"},
         {"BPFTUNE_TUNABLE", "net.ipv4.tcp_rmem"},
         {"BPFTUNE_NETNS", where},
         {"BPFTUNE_CONNECTIONS_GROWN", std::to_string(pass->grown)},
         {"BPFTUNE_CONNECTIONS_LEFT", std::to_string(pass->left_locked)},
         {"BPFTUNE_CONNECTIONS_SCALE_CAPPED", std::to_string(pass->scale_capped)}});
}

// Says once per namespace and side why a buffer that hit its ceiling was not raised.
void TcpBufferTuner::explain_hold(const tcp_buffer::Decision& decision,
                                  const tcp_buffer::BufferLimited& limited,
                                  std::int64_t live_max, std::uint32_t min_rtt_us, SideState& state)
{
    const std::string& tunable = spec(limited.side).name;
    const std::string where = context_->actuator.netns().describe(limited.netns_cookie);
    switch (decision.verdict) {
    case tcp_buffer::Verdict::latency_correlated:
        if (!std::exchange(state.latency_reported, true))
            log(Severity::notice,
                tcp_buffer::latency_hold(tunable, where, state.buffer_vs_rtt.coefficient(),
                                         state.buffer_vs_rtt.samples()),
                {{"MESSAGE_ID", std::string(latency_correlated.message_id)},
                 {"BPFTUNE_TUNER", "tcp_buffer"},
                 {"BPFTUNE_TUNABLE", tunable},
                 {"BPFTUNE_NETNS", where},
                 {"BPFTUNE_SCENARIO", std::string(latency_correlated.name)}});
        break;
    case tcp_buffer::Verdict::at_hard_limit:
        if (!std::exchange(state.hard_limit_reported, true))
            log_notice(tcp_buffer::hard_limit_hold(tunable, where, live_max, hard_max_));
        break;
    case tcp_buffer::Verdict::memory_pressure:
        if (!std::exchange(pressure_reported_, true))
            log(Severity::notice,
                "tcp_buffer does not raise " + tunable + " in netns " + where +
                    ": TCP memory is near net.ipv4.tcp_mem pressure",
                {{"MESSAGE_ID", std::string(memory_pressure.message_id)},
                 {"BPFTUNE_TUNER", "tcp_buffer"},
                 {"BPFTUNE_SCENARIO", std::string(memory_pressure.name)}});
        break;
    case tcp_buffer::Verdict::path_queueing:
        log_debug(tcp_buffer::queueing_hold(tunable, where, limited, min_rtt_us));
        break;
    case tcp_buffer::Verdict::out_of_order:
        log_debug(tcp_buffer::out_of_order_hold(tunable, where, limited));
        break;
    case tcp_buffer::Verdict::nearly_enough:
    case tcp_buffer::Verdict::still_growing:
        log_debug(tcp_buffer::need_hold(tunable, where, decision, live_max));
        break;
    case tcp_buffer::Verdict::raise:
    case tcp_buffer::Verdict::stale:
        break;
    }
}

std::vector<std::string> TcpBufferTuner::statistics() const
{
    std::vector<std::string> lines;
    lines.push_back("tcp_buffer: hooks " + join(hooks_));
    if (per_read_.managed())
        lines.push_back("tcp_buffer: the program on every read is " + per_read_.describe());
    if (per_send_.managed())
        lines.push_back("tcp_buffer: the program on every send is " + per_send_.describe());
    lines.push_back("tcp_buffer: connections held at an old receive ceiling: " +
                    unpinner_.describe());
    if (skeleton_)
        lines.push_back("tcp_buffer: " + std::to_string(skeleton_->bss->bpftune_lost_events) +
                        " events lost (ring buffer full), " +
                        std::to_string(skeleton_->bss->bpftune_rate_limited) +
                        " suppressed by the rate limit, " +
                        std::to_string(inbox_ ? inbox_->dropped() : 0) + " dropped (inbox full)");
    return lines;
}

}  // namespace

std::unique_ptr<Tuner> make_tcp_buffer_tuner()
{
    return std::make_unique<TcpBufferTuner>();
}

}  // namespace bpftune
