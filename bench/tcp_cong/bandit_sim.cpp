// How fast tcp_cong's choice settles, against Oracle bpftune's fixed 5% epsilon-greedy, on
// simulated destinations: each connection's delivery rate is drawn around its algorithm's
// mean for that path. Our policy is the very header the sockops program runs
// (tcp_cong_policy.h); Oracle's is modelled from its documented rules (learning once the
// host was seen four times, so three connections on the default first; a uniformly random
// algorithm 1 time in 20; a 1/4 moving average of a cost like ours).
//
//   bpftune-bench-bandit [DESTINATIONS] [CONNECTIONS] [SEED]
// prints one JSON object per path and policy: {"path", "policy", "metrics": {...}}.
#include "tcp_cong_policy.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr unsigned arms = 3;  // cubic, bbr, reno

struct Conditions {
    std::array<double, arms> rate_mbit;  // mean delivery rate of each algorithm
    std::array<double, arms> rtt_ms;     // mean minimum RTT
};

// A path, which may change (loss appears) after some connections.
struct Path {
    const char* name;
    Conditions before;
    Conditions after;
    int change_after = 0;  // connections; 0: never changes
    const Conditions& at(int connection) const
    {
        return change_after && connection > change_after ? after : before;
    }
};

// Means shaped after the link-emulator runs (bench scenario 2) at 100 Mbit/s.
constexpr Conditions lossy_100ms{{1.4, 50.0, 1.2}, {100.5, 100.2, 100.5}};
constexpr Conditions lossy_50ms{{1.0, 6.5, 1.0}, {50.5, 50.1, 50.5}};
constexpr Conditions clean_100ms{{45.0, 47.0, 40.0}, {100.4, 100.1, 100.4}};
constexpr Conditions clean_50ms{{48.0, 47.0, 44.0}, {50.4, 50.1, 50.4}};
constexpr Conditions clean_10ms{{90.0, 88.0, 86.0}, {10.4, 10.1, 10.4}};
const std::array<Path, 5> paths{{
    {"RTT 100 ms, 1% loss", lossy_100ms, lossy_100ms},
    {"RTT 50 ms, 5% loss", lossy_50ms, lossy_50ms},
    {"RTT 50 ms, no loss", clean_50ms, clean_50ms},
    {"RTT 10 ms, no loss", clean_10ms, clean_10ms},
    {"RTT 100 ms, 1% loss appears after 100 connections", clean_100ms, lossy_100ms, 100},
}};

struct Outcome {
    double rate_mbit;
    double rtt_ms;
};

// One connection: its rate varies by +-40% (lognormal), its min RTT by a little.
Outcome connect(const Conditions& path, unsigned arm, std::mt19937& random)
{
    std::lognormal_distribution<double> spread(0.0, 0.4);
    std::uniform_real_distribution<double> jitter(0.0, 0.3);
    return {path.rate_mbit[arm] * spread(random), path.rtt_ms[arm] + jitter(random)};
}

class Policy {
public:
    virtual ~Policy() = default;
    virtual unsigned choose(std::mt19937& random) = 0;
    virtual void learn(unsigned arm, const Outcome& outcome) = 0;
    virtual unsigned preferred() const = 0;
};

// tcp_cong: the sockops program's own functions.
class TcpCong final : public Policy {
public:
    TcpCong() { destination_.preferred = TCP_CONG_NO_ARM; }
    unsigned choose(std::mt19937& random) override
    {
        const unsigned arm = tcp_cong_choose(&destination_, arms, random());
        ++destination_.arms[arm].chosen;
        return arm;
    }
    void learn(unsigned arm, const Outcome& outcome) override
    {
        // Every simulated connection is one size (1 MiB): the rates vary, not the transfers.
        tcp_cong_learn(&destination_, arms, arm, static_cast<__u32>(outcome.rtt_ms * 1000),
                       1 << 20, static_cast<__u64>(outcome.rate_mbit * 125000));
    }
    unsigned preferred() const override { return destination_.preferred; }

private:
    tcp_cong_destination destination_{};
};

// Oracle bpftune's tcp_conn tuner as documented: per-arm moving-average cost against the
// destination's bests (its rate term uses the arm's best rate), greedy on the lowest cost,
// and a uniformly random algorithm one connection in twenty.
class OracleFixedEpsilon final : public Policy {
public:
    unsigned choose(std::mt19937& random) override
    {
        if (++instances_ < 4)
            return 0;  // the default algorithm until the host was seen four times
        if (random() % 20 == 0)
            return random() % arms;
        return preferred();
    }
    void learn(unsigned arm, const Outcome& outcome) override
    {
        if (instances_ < 4)
            return;
        best_rtt_ = best_rtt_ == 0 ? outcome.rtt_ms : std::min(best_rtt_, outcome.rtt_ms);
        best_rate_[arm] = std::max(best_rate_[arm], outcome.rate_mbit);
        host_best_rate_ = std::max(host_best_rate_, outcome.rate_mbit);
        const double cost = (outcome.rtt_ms - best_rtt_) / best_rtt_ +
                            (host_best_rate_ - best_rate_[arm]) / host_best_rate_;
        cost_[arm] = sampled_[arm] ? cost_[arm] + (cost - cost_[arm]) / 4 : cost;
        sampled_[arm] = true;
    }
    unsigned preferred() const override
    {
        unsigned best = 0;
        for (unsigned arm = 1; arm < arms; ++arm)
            if (cost_[arm] < cost_[best])
                best = arm;
        return best;  // an arm never sampled costs 0, so each is tried once early
    }

private:
    int instances_ = 0;
    double best_rtt_ = 0, host_best_rate_ = 0;
    std::array<double, arms> best_rate_{}, cost_{};
    std::array<bool, arms> sampled_{};
};

struct Tally {
    double rate_share_sum = 0;   // delivered / best algorithm's mean, summed over connections
    double rate_share_late_sum = 0;
    int late_connections = 0;
    double settle_sum = 0;       // connection after which the preference stayed on the best
    int never_settled = 0;
};

unsigned best_arm(const Conditions& path)
{
    unsigned best = 0;
    for (unsigned arm = 1; arm < arms; ++arm)
        if (path.rate_mbit[arm] > path.rate_mbit[best])
            best = arm;
    return best;
}

// "Settled": the connection after which the preference stayed on the best algorithm of the
// path as it ended; "late": connections after the first 20 (after the change, if any).
template <class P>
Tally simulate(const Path& path, int destinations, int connections, unsigned seed)
{
    const unsigned best = best_arm(path.at(connections));
    const int late_from = path.change_after + 20;
    Tally tally;
    std::mt19937 random(seed);
    for (int d = 0; d < destinations; ++d) {
        P policy;
        int settled_at = -1;
        for (int c = 1; c <= connections; ++c) {
            const Conditions& now = path.at(c);
            const unsigned arm = policy.choose(random);
            const auto outcome = connect(now, arm, random);
            policy.learn(arm, outcome);
            const double share = now.rate_mbit[arm] / now.rate_mbit[best_arm(now)];
            tally.rate_share_sum += share;
            if (c > late_from) {
                tally.rate_share_late_sum += share;
                ++tally.late_connections;
            }
            if (policy.preferred() != best)
                settled_at = -1;
            else if (settled_at < 0)
                settled_at = c;
        }
        if (settled_at < 0)
            ++tally.never_settled;
        else
            tally.settle_sum += settled_at;
    }
    return tally;
}

template <class P>
void report(const char* policy, const Path& path, int destinations, int connections,
            unsigned seed)
{
    const Tally t = simulate<P>(path, destinations, connections, seed);
    const int settled = destinations - t.never_settled;
    std::printf("{\"path\":\"%s\",\"policy\":\"%s\",\"metrics\":{"
                "\"goodput / best algorithm's, all connections\":%.4f,"
                "\"goodput / best algorithm's, after the first 20\":%.4f,"
                "\"connections until settled on the best\":%s,"
                "\"destinations never settled (%%)\":%.2f}}\n",
                path.name, policy, t.rate_share_sum / (destinations * connections),
                t.rate_share_late_sum / t.late_connections,
                settled ? std::to_string(t.settle_sum / settled).c_str() : "null",
                100.0 * t.never_settled / destinations);
}

}  // namespace

int main(int argc, char** argv)
{
    const int destinations = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int connections = argc > 2 ? std::atoi(argv[2]) : 300;
    const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
    if (destinations <= 0 || connections <= 120) {
        std::fprintf(stderr, "usage: bpftune-bench-bandit [DESTINATIONS > 0] [CONNECTIONS > 120] [SEED]\n");
        return 2;
    }
    for (const auto& path : paths) {
        report<TcpCong>("tcp_cong", path, destinations, connections, seed);
        report<OracleFixedEpsilon>("Oracle bpftune's model", path, destinations, connections, seed);
    }
    return 0;
}
