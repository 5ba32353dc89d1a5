#include "control/query_text.hpp"
#include "control/text_table.hpp"

#include <boost/json/parse.hpp>

#include <doctest/doctest.h>

using namespace bpftune;

TEST_CASE("a text table aligns columns to the widest cell, without trailing blanks")
{
    TextTable table({"TUNER", "STATE"});
    table.add({"tcp_buffer", "active"});
    table.add({"x"});
    CHECK(table.render() ==
          "TUNER       STATE\n"
          "tcp_buffer  active\n"
          "x\n");
}

TEST_CASE("JSON values print the way sysctl prints them")
{
    CHECK(json_text(boost::json::parse("[4096,131072,6291456]")) == "4096 131072 6291456");
    CHECK(json_text(boost::json::parse("\"cubic\"")) == "cubic");
    CHECK(json_text(boost::json::parse("null")) == "-");
    CHECK(json_text(boost::json::parse("3")) == "3");
}

TEST_CASE("status prints tuner states, then one aligned row per sysctl and namespace")
{
    const auto reply = boost::json::parse(R"({
      "tuners":[{"name":"tcp_buffer","state":"active","reason":"","description":"TCP buffers",
                 "statistics":["lost events: 0"]}],
      "tunables":[
        {"tuner":"tcp_buffer","sysctl":"net.ipv4.tcp_rmem","netns":"host","netns_cookie":1,
         "original":null,"current":[4096,131072,6291456],"changes":0,"owner":"daemon","held":false},
        {"tuner":"tcp_buffer","sysctl":"net.ipv4.tcp_rmem","netns":"ns-b","netns_cookie":2,
         "original":[4096,131072,131072],"current":null,"changes":3,"owner":"admin","held":true,
         "note":"the namespace no longer exists"}]})");
    const auto text = render_reply(RequestKind::status, reply);
    CHECK(text ==
          "TUNER       STATE   DETAIL\n"
          "tcp_buffer  active  TCP buffers\n"
          "\n"
          "TUNER       SYSCTL             NETNS  ORIGINAL            CURRENT              "
          "CHANGES  OWNER         NOTE\n"
          "tcp_buffer  net.ipv4.tcp_rmem  host   -                   4096 131072 6291456  "
          "0        daemon\n"
          "tcp_buffer  net.ipv4.tcp_rmem  ns-b   4096 131072 131072  -                    "
          "3        admin (held)  the namespace no longer exists\n"
          "\n"
          "Statistics:\n"
          "  lost events: 0\n");
}

TEST_CASE("rollback prints runnable lines and comments out what it skips")
{
    const auto reply = boost::json::parse(R"({"rollback":[
      {"sysctl":"net.ipv4.tcp_rmem","netns":"b","run":true,
       "command":"ip netns exec b sysctl -w net.ipv4.tcp_rmem=\"4096 131072 131072\""},
      {"sysctl":"net.ipv4.tcp_wmem","netns":"gone","run":false,"command":null,
       "note":"the namespace no longer exists"},
      {"sysctl":"net.ipv4.tcp_wmem","netns":"host","run":false,
       "command":"sysctl -w net.ipv4.tcp_wmem=\"1 2 3\"","note":"an administrator has set it"}]})");
    CHECK(render_reply(RequestKind::rollback, reply) ==
          "# Run as root to restore the values bpftune changed:\n"
          "ip netns exec b sysctl -w net.ipv4.tcp_rmem=\"4096 131072 131072\"\n"
          "# skipped net.ipv4.tcp_wmem in netns gone: the namespace no longer exists\n"
          "# skipped net.ipv4.tcp_wmem in netns host: an administrator has set it\n"
          "# sysctl -w net.ipv4.tcp_wmem=\"1 2 3\"\n");
    CHECK(render_reply(RequestKind::rollback, boost::json::parse(R"({"rollback":[]})"))
              .find("nothing to roll back") != std::string::npos);
}

TEST_CASE("a reply without the promised members is an exception, not a crash")
{
    CHECK_THROWS(render_reply(RequestKind::status, boost::json::parse("{}")));
    CHECK_THROWS(render_reply(RequestKind::tuners, boost::json::parse("[1]")));
}

TEST_CASE("a tuner's view prints as its table and note; an empty one says so")
{
    const auto reply = boost::json::parse(R"({"tuner":"tcp_cong","description":"d",
      "columns":["DESTINATION","PREFERRED"],"rows":[["10.0.0.2","bbr"],["10.0.0.3","-"]],
      "details":[],"note":"2 of 9 shown"})");
    CHECK(render_reply(RequestKind::view, reply) ==
          "DESTINATION  PREFERRED\n"
          "10.0.0.2     bbr\n"
          "10.0.0.3     -\n"
          "\n2 of 9 shown\n");
    const auto empty = boost::json::parse(
        R"({"tuner":"tcp_cong","description":"d","columns":["A"],"rows":[],"details":[],"note":""})");
    CHECK(render_reply(RequestKind::view, empty) == "tcp_cong has nothing to show yet.\n");
}
