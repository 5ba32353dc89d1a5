#include "control/query_protocol.hpp"

#include <boost/json/parse.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace bpftune;

namespace {
std::string error_of(std::string_view line)
{
    auto request = parse_request(line);
    REQUIRE_FALSE(request.has_value());
    return request.error().message();
}
}  // namespace

TEST_CASE("a request is one JSON object naming a known request")
{
    auto status = parse_request("{\"request\":\"status\"}\n");
    REQUIRE(status.has_value());
    CHECK(status->kind == RequestKind::status);
    CHECK(status->name == "status");

    auto spaced = parse_request("  { \"request\" : \"rollback\" }  \r\n");
    REQUIRE(spaced.has_value());
    CHECK(spaced->kind == RequestKind::rollback);
}

TEST_CASE("Oracle's jstatus and jtunables are the JSON forms of status and tunables")
{
    CHECK(parse_request(R"({"request":"jstatus"})")->kind == RequestKind::status);
    CHECK(parse_request(R"({"request":"jtunables"})")->kind == RequestKind::tunables);
    CHECK(find_request("jstatus")->json_name);
    CHECK_FALSE(find_request("status")->json_name);
}

TEST_CASE("malformed requests get an error that says what is wrong")
{
    CHECK(error_of("").find("empty request") != std::string::npos);
    CHECK(error_of("status").find("not JSON") != std::string::npos);
    CHECK(error_of("{\"request\":").find("not JSON") != std::string::npos);
    CHECK(error_of(std::string("\x00\xff\xfe{", 4)).find("not JSON") != std::string::npos);
    CHECK(error_of("[\"status\"]").find("object with a string") != std::string::npos);
    CHECK(error_of("{\"request\":7}").find("object with a string") != std::string::npos);
    CHECK(error_of("{\"ask\":\"status\"}").find("object with a string") != std::string::npos);
    CHECK(error_of("{\"request\":\"status\",\"x\":1}").find("only the member") !=
          std::string::npos);
}

TEST_CASE("an unknown request name is answered with the known ones")
{
    const auto error = error_of("{\"request\":\"reboot\"}");
    CHECK(error.find("unknown request 'reboot'") != std::string::npos);
    CHECK(error.find(request_names()) != std::string::npos);
    CHECK(request_names() == "help, tuners, tunables, status, summary, rollback, jtunables, jstatus");
    CHECK(find_request("stat") == nullptr);  // no prefix matching, unlike Oracle's
}

TEST_CASE("a long unknown name is cut in the error reply")
{
    const auto error = error_of("{\"request\":\"" + std::string(3000, 'x') + "\"}");
    CHECK(error.size() < 300);
}

TEST_CASE("the client's request line is what the server parses")
{
    const auto line = request_line("summary");
    CHECK(line == "{\"request\":\"summary\"}\n");
    CHECK(parse_request(line)->kind == RequestKind::summary);
}

TEST_CASE("replies are one JSON line with ok and either reply or error")
{
    const auto ok = ok_reply(boost::json::object{{"n", 1}});
    CHECK(ok == "{\"ok\":true,\"reply\":{\"n\":1}}\n");
    auto parsed = parse_reply(ok);
    REQUIRE(parsed.has_value());
    CHECK(parsed->at("n").as_int64() == 1);

    const auto error = error_reply("busy \"now\"");
    CHECK(boost::json::parse(error).at("ok").as_bool() == false);
    auto failed = parse_reply(error);
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().message() == "busy \"now\"");

    CHECK_FALSE(parse_reply("garbage").has_value());
    CHECK_FALSE(parse_reply("{\"reply\":1}").has_value());
}

TEST_CASE("a tuner's name asks for its own view, only when such a view exists")
{
    const std::vector<std::string> views{"tcp_cong"};
    auto request = parse_request(R"({"request":"tcp_cong"})", views);
    REQUIRE(request.has_value());
    CHECK(request->kind == RequestKind::view);
    CHECK(request->name == "tcp_cong");
    CHECK_FALSE(parse_request(R"({"request":"tcp_cong"})").has_value());
    auto unknown = parse_request(R"({"request":"tcp_bogus"})", views);
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().message().find("rollback, jtunables, jstatus, tcp_cong") !=
          std::string::npos);
}
