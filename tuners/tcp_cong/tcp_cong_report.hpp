// What tcp_cong says and shows, as pure functions over the shared BPF structs: the algorithms
// it chooses among, a destination's name, the journal text of a preference change, and the
// rows of its query view. Tested without a kernel.
#pragma once

#include "tcp_cong_event.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bpftune::tcp_cong {

using Algorithms = std::vector<std::string>;

// The algorithms to choose among, from net.ipv4.tcp_available_congestion_control: cubic, bbr
// and reno first, at most TCP_CONG_MAX_ARMS; never dctcp (it needs ECN marking on the path and
// starves other flows without it) or cdg (bpf_setsockopt refuses it).
Algorithms pick_algorithms(std::string_view available);

// "10.0.0.2" for IPv4, "2001:db8:1:2::/64" for an IPv6 prefix.
std::string destination_text(const tcp_cong_key& key);

// An arm's name, or "none" for TCP_CONG_NO_ARM.
std::string algorithm_name(const Algorithms& algorithms, unsigned arm);

// "connections to 10.0.0.2 in netns web now get bbr (before: cubic)"
std::string preference_message(const Algorithms& algorithms, const tcp_cong_event& event,
                               const std::string& netns);
// Why: the cost of each algorithm, with the destination's best min RTT and delivery rate.
std::string preference_reason(const Algorithms& algorithms, const tcp_cong_destination& d);
// The numbers per algorithm: connections given, learned from, min RTT, delivery rate.
std::string preference_evidence(const Algorithms& algorithms, const tcp_cong_destination& d);

// One destination as the query view's JSON object.
boost::json::object destination_json(const Algorithms& algorithms, const tcp_cong_key& key,
                                     const tcp_cong_destination& d, const std::string& netns);

// The query view's columns, and the text rows of one destination: one per algorithm, the
// destination's own columns on the first.
std::vector<std::string> view_columns();
std::vector<std::vector<std::string>> view_rows(const Algorithms& algorithms,
                                                const tcp_cong_key& key,
                                                const tcp_cong_destination& d,
                                                const std::string& netns);

// Connections tcp_cong chose an algorithm for towards this destination.
std::uint64_t connections_of(const tcp_cong_destination& d);

}  // namespace bpftune::tcp_cong
