#include "tcp_cong_policy.h"
#include "tcp_cong_report.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>

using namespace bpftune::tcp_cong;

namespace {

tcp_cong_key v4_key(const char* text)
{
    tcp_cong_key key{};
    key.netns_cookie = 5;
    key.address[2] = htonl(0xffff);
    inet_pton(AF_INET, text, &key.address[3]);
    return key;
}

}  // namespace

TEST_CASE("the algorithms chosen among: cubic, bbr, reno first, never dctcp or cdg, at most four")
{
    CHECK(pick_algorithms("reno bbr cubic") == Algorithms{"cubic", "bbr", "reno"});
    CHECK(pick_algorithms("reno cubic dctcp cdg htcp vegas westwood") ==
          Algorithms{"cubic", "reno", "htcp", "vegas"});
    CHECK(pick_algorithms("").empty());
}

TEST_CASE("destinations print as an IPv4 address or an IPv6 /64")
{
    CHECK(destination_text(v4_key("10.1.0.2")) == "10.1.0.2");
    tcp_cong_key v6{};
    inet_pton(AF_INET6, "2001:db8:2:3::", v6.address);
    CHECK(destination_text(v6) == "2001:db8:2:3::/64");
}

TEST_CASE("a preference change says where, what and why, with each algorithm's cost")
{
    const Algorithms algorithms{"cubic", "bbr", "reno"};
    tcp_cong_event event{};
    event.key = v4_key("10.1.0.2");
    event.previous = 0;
    event.destination.preferred = TCP_CONG_NO_ARM;
    tcp_cong_learn(&event.destination, 3, 0, 50000, 1 << 20, 250000);
    tcp_cong_learn(&event.destination, 3, 1, 50000, 1 << 20, 5000000);
    tcp_cong_learn(&event.destination, 3, 1, 50000, 64 << 10, 1250000);
    tcp_cong_learn(&event.destination, 3, 2, 50000, 1 << 20, 250000);
    event.destination.arms[0].chosen = 3;
    event.destination.arms[1].chosen = 4;
    event.destination.loss_switches = 2;
    event.destination.kept_default = 1;
    // What the program publishes; from one sample of cubic and reno the policy waits.
    event.destination.preferred = 1;
    CHECK(preference_message(algorithms, event, "web") ==
          "connections to 10.1.0.2 in netns web now get bbr (before: cubic)");
    CHECK(preference_reason(algorithms, event.destination) ==
          "it cost least over 8 connections (cost: bbr 0.0%, cubic 95.0%, reno 95.0%; 0% is the "
          "best algorithm's min RTT 50.0 ms and delivery rate by transfer size, 10.0 Mbit/s "
          "under 256 KiB, 40.0 Mbit/s 1-4 MiB)");
    CHECK(preference_evidence(algorithms, event.destination) ==
          "cubic: 3 chosen, 1 learned, min RTT 50.0 ms, rate 2.0 Mbit/s 1-4 MiB; bbr: 4 chosen, "
          "2 learned, min RTT 50.0 ms, rate 10.0 Mbit/s under 256 KiB, 40.0 Mbit/s 1-4 MiB; "
          "reno: 0 chosen, 1 learned, min RTT 50.0 ms, rate 2.0 Mbit/s 1-4 MiB; 1 kept the "
          "default; 2 moved to bbr by the loss rule");
}

TEST_CASE("the view has one row per algorithm, the destination named on the first")
{
    const Algorithms algorithms{"cubic", "bbr"};
    tcp_cong_destination d{};
    d.preferred = TCP_CONG_NO_ARM;
    tcp_cong_learn(&d, 2, 1, 20000, 1 << 20, 1250000);
    d.arms[1].chosen = 1;
    d.incumbent = 1;
    auto details = destination_json(algorithms, v4_key("10.1.0.2"), d, "host");
    CHECK(details.at("default").as_string() == "bbr");
    d.incumbent = TCP_CONG_NO_ARM;  // the namespace's default is none of those offered
    details = destination_json(algorithms, v4_key("10.1.0.2"), d, "host");
    CHECK(details.at("default").is_null());
    CHECK(details.at("preferred").is_null());
    CHECK(details.at("connections").to_number<int>() == 1);
    const auto rows = view_rows(algorithms, v4_key("10.1.0.2"), d, "host");
    CHECK(view_columns().size() == rows[0].size());
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::vector<std::string>{"host", "10.1.0.2", "-", "cubic", "0", "0", "-",
                                              "-", "-"});
    CHECK(rows[1] == std::vector<std::string>{"", "", "", "bbr", "1", "1", "0.0%", "20.0 ms",
                                              "10.0 Mbit/s (1-4 MiB)"});
    const auto& rates = details.at("algorithms").as_array().at(1).as_object().at("rate_bytes_per_s");
    CHECK(rates.at("lt_4MiB").to_number<int>() == 1250000);
    CHECK(rates.at("ge_4MiB").is_null());
}
