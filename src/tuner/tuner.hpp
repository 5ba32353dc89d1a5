// The narrow API every tuner is written against: typed events in, change requests out.
#pragma once

#include "actuator/actuator.hpp"
#include "bpf/bpf_support.hpp"
#include "change/scenario.hpp"
#include "core/error.hpp"
#include "event/event_router.hpp"
#include "sysctl/tunable.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bpftune {

// What a tuner may use; given to it when it attaches.
struct TunerContext {
    boost::asio::any_io_executor executor;
    Actuator& actuator;
    EventRouter& router;
    BpfShared bpf;
    int learning_rate = 4;  // 0 (small steps) .. 4 (largest steps), as -r
    int cgroup_root_fd = -1;  // the cgroup v2 root, for cgroup programs (sockops)
    bool probe_only = false;  // bpftune -S: attach to prove it can, change nothing
};

// A tuner's own query view (`bpftune -q <tuner>`): a table for people, details for scripts.
struct TunerView {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;  // one text cell per column
    boost::json::array details;         // the same rows with numbers, for --json
    std::string note;                   // e.g. "256 of 4096 shown"
};

class Tuner {
public:
    virtual ~Tuner() = default;

    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    virtual std::span<const TunableSpec> tunables() const = 0;
    virtual std::span<const Scenario> scenarios() const = 0;

    // Loads and attaches the BPF programs and subscribes to events. On failure nothing of the
    // tuner stays loaded, and the error carries the kernel's reason.
    virtual Result<void> attach(TunerContext& context) = 0;
    // The tuner's life: awaits events and timeouts until stop().
    virtual boost::asio::awaitable<void> run() = 0;
    // Ends run() soon; the BPF programs stay attached until the tuner is destroyed.
    virtual void stop() = 0;
    // The kernel hooks attached, e.g. "raw_tp/tcp_rcvbuf_grow" (after attach()).
    virtual std::vector<std::string> hooks() const = 0;
    // Counters worth showing at exit and in status (lost events, sampling).
    virtual std::vector<std::string> statistics() const { return {}; }
    // What the tuner has learned, if it has a view of its own: what the view shows (empty:
    // no view), and the view itself, read live on request.
    virtual std::string_view view_description() const { return {}; }
    virtual TunerView view() const { return {}; }
};

using TunerFactory = std::unique_ptr<Tuner> (*)();

}  // namespace bpftune
