#include "control/live_replies.hpp"
#include "control/query_replies.hpp"
#include "log/log.hpp"

#include <boost/json/serialize.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace bpftune;
namespace json = boost::json;

namespace {

TunableSpec rmem_spec()
{
    return TunableSpec{"net.ipv4.tcp_rmem", "TCP receive buffers", TunableScope::per_netns,
                       "min default max", {{1, 1 << 30}, {1, 1 << 30}, {1, 1 << 30}}, true};
}

class FakeTuner : public Tuner {
public:
    std::string_view name() const override { return "tcp_buffer"; }
    std::string_view description() const override { return "TCP buffers"; }
    std::span<const TunableSpec> tunables() const override { return tunables_; }
    std::span<const Scenario> scenarios() const override { return {}; }
    Result<void> attach(TunerContext&) override { return {}; }
    boost::asio::awaitable<void> run() override { co_return; }
    void stop() override {}
    std::vector<std::string> statistics() const override { return {"lost events: 0"}; }
    std::vector<std::string> hooks() const override { return {"raw_tp/test"}; }

private:
    std::vector<TunableSpec> tunables_{rmem_spec()};
};

// A tuner with a view of its own, as tcp_cong has.
class ViewTuner : public FakeTuner {
public:
    std::string_view name() const override { return "tcp_cong"; }
    std::string_view view_description() const override { return "per destination"; }
    TunerView view() const override
    {
        return {{"DESTINATION", "PREFERRED"}, {{"10.0.0.2", "bbr"}},
                json::array{json::object{{"destination", "10.0.0.2"}}}, "1 of 1 shown"};
    }
};

ChangeRecord change(std::int64_t from, std::int64_t to, NetnsCookie cookie)
{
    return ChangeRecord{.tuner = "tcp_buffer",
                        .tunable = "net.ipv4.tcp_rmem",
                        .value_names = "min default max",
                        .netns_cookie = cookie,
                        .netns = cookie == 1 ? "host" : "b",
                        .netns_shell = cookie == 1 ? "" : "ip netns exec b ",
                        .scenario = {"rmem_limited", "", "8f82386388c24e9cbb22232a64b815e3"},
                        .old_value = SysctlValue::of({4096, 131072, from}),
                        .new_value = SysctlValue::of({4096, 131072, to}),
                        .reason = "buffers hit the maximum",
                        .evidence = ""};
}

// A /proc/sys fixture holding net.ipv4.tcp_rmem.
struct ProcSysFixture {
    std::filesystem::path root = std::filesystem::temp_directory_path() /
                                 ("bpftune-query-" + std::to_string(::getpid()));
    ProcSysFixture() { std::filesystem::create_directories(root / "net/ipv4"); }
    ~ProcSysFixture() { std::filesystem::remove_all(root); }
    void set_rmem(const std::string& text) { std::ofstream(root / "net/ipv4/tcp_rmem") << text; }
};

const json::object& only_row(const json::value& reply, std::string_view list)
{
    const auto& rows = reply.at(list).as_array();
    REQUIRE(rows.size() == 1);
    return rows[0].as_object();
}

}  // namespace

TEST_CASE("values are arrays of numbers, or a string")
{
    CHECK(json::serialize(value_json(SysctlValue::of({4096, 131072}))) == "[4096,131072]");
    CHECK(json::serialize(value_json(SysctlValue::of_text("cubic"))) == "\"cubic\"");
}

TEST_CASE("tuners and tunables list every tuner with its state and limits")
{
    FakeTuner tuner;
    TunerRoster roster;
    roster.unsupported(tuner, "raw_tp tcp_rcv_space_adjust: No such file or directory");
    auto reply = tuners_reply(roster);
    CHECK(only_row(reply, "tuners").at("state").as_string() == "unsupported");
    CHECK(only_row(reply, "tuners").at("reason").as_string().starts_with("raw_tp"));

    roster.active(tuner);
    CHECK(only_row(tuners_reply(roster), "tuners").at("state").as_string() == "active");
    CHECK(only_row(tuners_reply(roster), "tuners").at("statistics").as_array().size() == 1);
    roster.failed("tcp_buffer", "ring buffer closed");
    CHECK(only_row(tuners_reply(roster), "tuners").at("reason").as_string() ==
          "failed: ring buffer closed");

    const auto tunables = tunables_reply(roster);
    const auto& tunable = only_row(tunables, "tunables");
    CHECK(tunable.at("sysctl").as_string() == "net.ipv4.tcp_rmem");
    CHECK(tunable.at("values").as_uint64() == 3);
    CHECK(tunable.at("scope").as_string() == "per_netns");
    CHECK(tunable.at("limits").as_array()[2].at("max").as_int64() == (1 << 30));
}

TEST_CASE("the summary folds changes per sysctl and namespace and caps the history")
{
    std::vector<ChangeRecord> history;
    for (int i = 0; i < 25; ++i)
        history.push_back(change(1000 + i, 1001 + i, 2));
    history.push_back(change(7, 8, 1));
    const auto reply = summary_reply(history);
    const auto& entries = reply.at("changes").as_array();
    REQUIRE(entries.size() == 2);
    const auto& ns_b = entries[0].as_object();
    CHECK(ns_b.at("netns").as_string() == "b");
    CHECK(ns_b.at("changes").as_uint64() == 25);
    CHECK(json::serialize(ns_b.at("from")) == "[4096,131072,1000]");
    CHECK(json::serialize(ns_b.at("to")) == "[4096,131072,1025]");
    CHECK(ns_b.at("history").as_array().size() == summary_history_entries);
    CHECK(ns_b.at("history_omitted").as_uint64() == 25 - summary_history_entries);
    CHECK(ns_b.at("replicate").as_string() ==
          "ip netns exec b sysctl -w net.ipv4.tcp_rmem=\"4096 131072 1025\"");
    CHECK(entries[1].at("netns").as_string() == "host");
    CHECK(reply.at("total_changes").as_uint64() == 26);
}

TEST_CASE("status reads the live value; rollback restores the original unless an admin owns it")
{
    init_logging({.to_stderr = false, .debug = false, .to_journal = false});
    ProcSysFixture proc_sys;
    proc_sys.set_rmem("4096\t131072\t131072\n");
    auto netns = NetnsRegistry::create();
    REQUIRE(netns.has_value());
    ChangeLog changes;
    Actuator actuator(*netns, changes, SysctlFiles(proc_sys.root));
    FakeTuner tuner;
    TunerRoster roster;
    roster.active(tuner);
    const LiveSources sources{roster, actuator, changes};

    auto before = only_row(status_reply(sources), "tunables");
    CHECK(before.at("original").is_null());
    CHECK(json::serialize(before.at("current")) == "[4096,131072,131072]");
    CHECK(before.at("changes").as_uint64() == 0);

    const auto spec = rmem_spec();
    auto outcome = actuator.apply({.tuner = "tcp_buffer", .tunable = &spec,
                                   .netns_cookie = netns->host_cookie(),
                                   .new_value = SysctlValue::of({4096, 131072, 262144}),
                                   .scenario = {"rmem_limited", "", ""},
                                   .reason = "test",
                                   .evidence = ""});
    REQUIRE(outcome.status == WriteStatus::applied);
    proc_sys.set_rmem("4096\t131072\t999999\n");  // someone else writes it after bpftune

    auto after = only_row(status_reply(sources), "tunables");
    CHECK(json::serialize(after.at("original")) == "[4096,131072,131072]");
    CHECK(json::serialize(after.at("current")) == "[4096,131072,999999]");
    CHECK(after.at("changes").as_uint64() == 1);
    CHECK(after.at("owner").as_string() == "daemon");
    CHECK(after.at("netns").as_string() == "host");

    auto rollback = only_row(rollback_reply(sources), "rollback");
    CHECK(rollback.at("command").as_string() == "sysctl -w net.ipv4.tcp_rmem=\"4096 131072 131072\"");
    CHECK(rollback.at("run").as_bool());

    actuator.hand_to_admin(netns->host_cookie(), "net.ipv4.tcp_rmem");
    CHECK(only_row(status_reply(sources), "tunables").at("owner").as_string() == "admin");
    auto skipped = only_row(rollback_reply(sources), "rollback");
    CHECK_FALSE(skipped.at("run").as_bool());
    CHECK(skipped.at("note").as_string().find("administrator") != std::string::npos);
}

TEST_CASE("a running tuner's view is a reply of its own, and help lists it")
{
    auto netns = NetnsRegistry::create();
    REQUIRE(netns.has_value());
    ChangeLog changes;
    Actuator actuator(*netns, changes);
    ViewTuner tuner;
    FakeTuner plain;
    TunerRoster roster;
    roster.active(plain);
    roster.active(tuner);
    const LiveSources sources{roster, actuator, changes};

    CHECK(roster.view_names() == std::vector<std::string>{"tcp_cong"});
    const auto reply = view_reply(sources, "tcp_cong");
    CHECK(json::serialize(reply.at("columns")) == R"(["DESTINATION","PREFERRED"])");
    CHECK(json::serialize(reply.at("rows")) == R"([["10.0.0.2","bbr"]])");
    CHECK(reply.at("details").as_array().size() == 1);
    CHECK(reply.at("note").as_string() == "1 of 1 shown");
    const auto help = help_reply(roster);
    const auto& requests = help.at("requests").as_array();
    CHECK(requests.back().at("name").as_string() == "tcp_cong");
    CHECK(requests.back().at("description").as_string() == "per destination");

    roster.failed("tcp_cong", "test");
    CHECK(roster.view_names().empty());
    CHECK(view_reply(sources, "tcp_cong").at("error").as_string() == "the tuner is not running");
}

TEST_CASE("listeners hear of each tunable an admin takes, while their handle lives")
{
    auto netns = NetnsRegistry::create();
    REQUIRE(netns.has_value());
    ChangeLog changes;
    Actuator actuator(*netns, changes);
    std::vector<std::pair<NetnsCookie, std::string>> heard;
    {
        auto listener = actuator.when_admin_takes(
            [&](NetnsCookie cookie, const std::string& tunable) { heard.emplace_back(cookie, tunable); });
        actuator.hand_to_admin(7, "net.ipv4.tcp_congestion_control");
    }
    actuator.hand_to_admin(8, "net.ipv4.tcp_rmem");  // the handle is gone: not heard
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].first == 7);
    CHECK(heard[0].second == "net.ipv4.tcp_congestion_control");
    CHECK(actuator.owned_by_admin(8, "net.ipv4.tcp_rmem"));
    // Nor is it written again there, which tuners ask as leaves_alone().
    const TunableSpec rmem{"net.ipv4.tcp_rmem", "", TunableScope::per_netns, "", {}, false};
    CHECK(actuator.leaves_alone(8, rmem));
    CHECK_FALSE(actuator.leaves_alone(7, rmem));
}
