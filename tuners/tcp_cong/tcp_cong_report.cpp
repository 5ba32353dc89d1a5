#include "tcp_cong_report.hpp"

#include "tcp_cong_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

namespace bpftune::tcp_cong {
namespace {

namespace json = boost::json;

unsigned arm_count(const Algorithms& algorithms)
{
    return static_cast<unsigned>(std::min<std::size_t>(algorithms.size(), TCP_CONG_MAX_ARMS));
}

std::string percent(std::uint32_t cost_ppm)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", cost_ppm / 10000.0);
    return text;
}

std::string milliseconds(std::uint32_t us)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", us / 1000.0);
    return text;
}

std::string megabits(std::uint64_t bytes_per_second)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f Mbit/s", bytes_per_second * 8 / 1e6);
    return text;
}

constexpr std::array<const char*, TCP_CONG_SIZE_CLASSES> size_class_names{
    "under 256 KiB", "256 KiB-1 MiB", "1-4 MiB", "4 MiB or more"};
constexpr std::array<const char*, TCP_CONG_SIZE_CLASSES> size_class_keys{
    "lt_256KiB", "lt_1MiB", "lt_4MiB", "ge_4MiB"};

// "8.1 Mbit/s under 256 KiB, 27.5 Mbit/s 1-4 MiB": rates per size class, smallest first.
std::string rates_text(const __u64 (&rates)[TCP_CONG_SIZE_CLASSES])
{
    std::string text;
    for (unsigned c = 0; c < TCP_CONG_SIZE_CLASSES; ++c)
        if (rates[c])
            text += (text.empty() ? "" : ", ") + megabits(rates[c]) + " " + size_class_names[c];
    return text.empty() ? "-" : text;
}

// The rate of the largest transfers an algorithm has, with their size: what the view shows.
std::string largest_rate_text(const tcp_cong_arm& a)
{
    for (unsigned c = TCP_CONG_SIZE_CLASSES; c-- > 0;)
        if (a.rate[c])
            return megabits(a.rate[c]) + " (" + size_class_names[c] + ")";
    return "-";
}

// Arms sampled at least once, cheapest first.
std::vector<unsigned> sampled_by_cost(const Algorithms& algorithms, const tcp_cong_destination& d)
{
    std::vector<unsigned> arms;
    for (unsigned arm = 0; arm < arm_count(algorithms); ++arm)
        if (d.arms[arm].samples > 0)
            arms.push_back(arm);
    std::ranges::stable_sort(arms, {}, [&d](unsigned arm) { return tcp_cong_cost(&d, arm); });
    return arms;
}

}  // namespace

Algorithms pick_algorithms(std::string_view available)
{
    std::istringstream words{std::string(available)};
    Algorithms offered;
    for (std::string word; words >> word;)
        if (word != "dctcp" && word != "cdg")
            offered.push_back(word);
    Algorithms picked;
    for (const char* first : {"cubic", "bbr", "reno"})
        if (std::ranges::find(offered, first) != offered.end())
            picked.push_back(first);
    for (const auto& name : offered)
        if (std::ranges::find(picked, name) == picked.end())
            picked.push_back(name);
    if (picked.size() > TCP_CONG_MAX_ARMS)
        picked.resize(TCP_CONG_MAX_ARMS);
    return picked;
}

std::string destination_text(const tcp_cong_key& key)
{
    char text[INET6_ADDRSTRLEN] = {};
    const auto* bytes = reinterpret_cast<const unsigned char*>(key.address);
    const bool v4 = key.address[0] == 0 && key.address[1] == 0 && key.address[2] == htonl(0xffff);
    if (v4) {
        ::inet_ntop(AF_INET, bytes + 12, text, sizeof text);
        return text;
    }
    ::inet_ntop(AF_INET6, bytes, text, sizeof text);
    return std::string(text) + "/64";
}

std::string algorithm_name(const Algorithms& algorithms, unsigned arm)
{
    return arm < algorithms.size() ? algorithms[arm] : "none";
}

std::string preference_message(const Algorithms& algorithms, const tcp_cong_event& event,
                               const std::string& netns)
{
    return "connections to " + destination_text(event.key) + " in netns " + netns + " now get " +
           algorithm_name(algorithms, event.destination.preferred) +
           " (before: " + algorithm_name(algorithms, event.previous) + ")";
}

std::string preference_reason(const Algorithms& algorithms, const tcp_cong_destination& d)
{
    std::string costs;
    for (unsigned arm : sampled_by_cost(algorithms, d))
        costs += (costs.empty() ? "" : ", ") + algorithms[arm] + " " +
                 percent(tcp_cong_cost(&d, arm));
    const auto connections = connections_of(d);
    const auto reference = tcp_cong_reference_of(&d);
    return "it cost least over " + std::to_string(connections) +
           (connections == 1 ? " connection" : " connections") + " (cost: " + costs +
           "; 0% is the best algorithm's min RTT " + milliseconds(reference.min_rtt_us) +
           " and delivery rate by transfer size, " + rates_text(reference.rate) + ")";
}

std::string preference_evidence(const Algorithms& algorithms, const tcp_cong_destination& d)
{
    std::string text;
    for (unsigned arm = 0; arm < arm_count(algorithms); ++arm) {
        const tcp_cong_arm& a = d.arms[arm];
        text += (text.empty() ? "" : "; ") + algorithms[arm] + ": " + std::to_string(a.chosen) +
                " chosen, " + std::to_string(a.samples) + " learned";
        if (a.samples)
            text += ", min RTT " + milliseconds(a.min_rtt_us) + ", rate " + rates_text(a.rate);
    }
    if (d.kept_default)
        text += "; " + std::to_string(d.kept_default) + " kept the default";
    if (d.loss_switches)
        text += "; " + std::to_string(d.loss_switches) + " moved to bbr by the loss rule";
    if (d.fallbacks)
        text += "; " + std::to_string(d.fallbacks) + " exploring sent back after loss";
    return text;
}

json::object destination_json(const Algorithms& algorithms, const tcp_cong_key& key,
                              const tcp_cong_destination& d, const std::string& netns)
{
    json::array arms;
    for (unsigned arm = 0; arm < arm_count(algorithms); ++arm) {
        const tcp_cong_arm& a = d.arms[arm];
        json::object row{{"algorithm", algorithms[arm]},
                         {"chosen", a.chosen},
                         {"learned", a.samples}};
        row["cost_ppm"] = a.samples ? json::value(tcp_cong_cost(&d, arm)) : json::value(nullptr);
        row["min_rtt_us"] = a.samples ? json::value(a.min_rtt_us) : json::value(nullptr);
        json::object rates;
        for (unsigned c = 0; c < TCP_CONG_SIZE_CLASSES; ++c)
            rates[size_class_keys[c]] = a.rate[c] ? json::value(a.rate[c]) : json::value(nullptr);
        row["rate_bytes_per_s"] = std::move(rates);
        arms.push_back(std::move(row));
    }
    return json::object{{"netns", netns},
                        {"netns_cookie", key.netns_cookie},
                        {"destination", destination_text(key)},
                        {"preferred", d.preferred == TCP_CONG_NO_ARM
                                          ? json::value(nullptr)
                                          : json::value(algorithm_name(algorithms, d.preferred))},
                        // What the namespace's default gave the first connection: the
                        // incumbent, kept until another algorithm is clearly cheaper.
                        {"default", d.incumbent < arm_count(algorithms)
                                        ? json::value(algorithm_name(algorithms, d.incumbent))
                                        : json::value(nullptr)},
                        {"connections", connections_of(d)},
                        {"kept_default", d.kept_default},
                        {"loss_switches", d.loss_switches},
                        {"fallbacks", d.fallbacks},
                        {"best_min_rtt_us", d.best_min_rtt_us},
                        {"best_rate_bytes_per_s", d.best_rate},
                        {"algorithms", std::move(arms)}};
}

std::vector<std::string> view_columns()
{
    return {"NETNS", "DESTINATION", "PREFERRED", "ALGORITHM", "CHOSEN", "LEARNED", "COST",
            "MIN RTT", "RATE"};
}

std::vector<std::vector<std::string>> view_rows(const Algorithms& algorithms,
                                                const tcp_cong_key& key,
                                                const tcp_cong_destination& d,
                                                const std::string& netns)
{
    std::vector<std::vector<std::string>> rows;
    const auto reference = tcp_cong_reference_of(&d);
    for (unsigned arm = 0; arm < arm_count(algorithms); ++arm) {
        const tcp_cong_arm& a = d.arms[arm];
        std::vector<std::string> row(3);
        if (rows.empty())
            row = {netns, destination_text(key),
                   d.preferred == TCP_CONG_NO_ARM ? "-" : algorithm_name(algorithms, d.preferred)};
        row.push_back(algorithms[arm]);
        row.push_back(std::to_string(a.chosen));
        row.push_back(std::to_string(a.samples));
        row.push_back(a.samples ? percent(tcp_cong_cost_against(&d, arm, &reference)) : "-");
        row.push_back(a.samples && a.min_rtt_us ? milliseconds(a.min_rtt_us) : "-");
        row.push_back(largest_rate_text(a));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::uint64_t connections_of(const tcp_cong_destination& d)
{
    std::uint64_t total = d.kept_default;
    for (const auto& arm : d.arms)
        total += arm.chosen;
    return total;
}

}  // namespace bpftune::tcp_cong
