#include "change/change_log.hpp"
#include "log/log.hpp"

#include <doctest/doctest.h>

#include <iostream>
#include <sstream>

using namespace bpftune;

namespace {
ChangeRecord change(std::int64_t from, std::int64_t to, std::string netns = "host",
                    std::string shell = "")
{
    return ChangeRecord{.tuner = "tcp_buffer",
                        .tunable = "net.ipv4.tcp_rmem",
                        .value_names = "min default max",
                        .netns_cookie = netns == "host" ? 1u : 2u,
                        .netns = netns,
                        .netns_shell = shell,
                        .scenario = {"rmem_limited", "", "8f82386388c24e9cbb22232a64b815e3"},
                        .old_value = SysctlValue::of({4096, 131072, from}),
                        .new_value = SysctlValue::of({4096, 131072, to}),
                        .reason = "receive buffers of connections to 10.0.0.2 hit the maximum",
                        .evidence = "estimated bandwidth-delay product 900 KiB"};
}
}  // namespace

TEST_CASE("a change's message says what, from what to what, where and why")
{
    CHECK(describe_change(change(131072, 1048576, "test")) ==
          "net.ipv4.tcp_rmem (min default max) 4096 131072 131072 -> 4096 131072 1048576 in "
          "netns test: receive buffers of connections to 10.0.0.2 hit the maximum; estimated "
          "bandwidth-delay product 900 KiB");
}

TEST_CASE("journal fields carry the structured change")
{
    auto fields = journal_fields(change(131072, 1048576));
    auto get = [&](const std::string& key) {
        for (auto& [k, v] : fields)
            if (k == key)
                return v;
        return std::string("(missing)");
    };
    CHECK(get("MESSAGE_ID") == "8f82386388c24e9cbb22232a64b815e3");
    CHECK(get("BPFTUNE_OLD") == "4096 131072 131072");
    CHECK(get("BPFTUNE_NEW") == "4096 131072 1048576");
    CHECK(get("BPFTUNE_SCENARIO") == "rmem_limited");
    CHECK(get("BPFTUNE_NETNS") == "host");
}

TEST_CASE("the summary folds changes per tunable and namespace")
{
    init_logging({.to_stderr = false, .debug = false, .to_journal = false});
    ChangeLog log;
    log.record(change(131072, 393216, "test", "ip netns exec test "));
    log.record(change(393216, 1179648, "test", "ip netns exec test "));
    auto lines = log.summary();
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].find("changed 2 times, 4096 131072 131072 -> 4096 131072 1179648") !=
          std::string::npos);
    CHECK(lines[2] ==
          "    to replicate: ip netns exec test sysctl -w net.ipv4.tcp_rmem=\"4096 131072 1179648\"");
}

TEST_CASE("identical consecutive messages are folded")
{
    std::ostringstream captured;
    auto* old = std::clog.rdbuf(captured.rdbuf());
    init_logging({.to_stderr = true, .debug = false, .to_journal = false});
    for (int i = 0; i < 5; ++i)
        log_notice("same thing");
    log_notice("something else");
    flush_repeated_messages();
    std::clog.rdbuf(old);
    const auto text = captured.str();
    CHECK(text == "bpftune: same thing\nbpftune: the previous message was repeated 4 times\n"
                  "bpftune: something else\n");
}
