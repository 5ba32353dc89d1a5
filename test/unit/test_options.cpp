#include "cli/options.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace bpftune;

namespace {
Result<Options> parse(std::vector<const char*> args)
{
    args.insert(args.begin(), "bpftune");
    return parse_options(static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST_CASE("defaults run every tuner in every namespace")
{
    auto o = parse({});
    REQUIRE(o.has_value());
    CHECK(o->action == Action::run);
    CHECK(o->learning_rate == 4);
    CHECK(o->allow.empty());
    CHECK(o->netns.empty());
}

TEST_CASE("Oracle bpftune's flags keep their meaning")
{
    auto o = parse({"-s", "-d", "-R", "-r", "2", "-a", "tcp_buffer_tuner.so", "--netns", "a",
                    "--netns", "/proc/1/ns/net"});
    REQUIRE(o.has_value());
    CHECK(o->to_stderr);
    CHECK(o->debug);
    CHECK(o->rollback);
    CHECK(o->learning_rate == 2);
    CHECK(o->allow == std::vector<std::string>{"tcp_buffer"});
    CHECK(o->netns.size() == 2);
    CHECK(parse({"-S"})->action == Action::support);
    CHECK(parse({"-q", "status"})->query == "status");
    CHECK(parse({"-V"})->action == Action::version);
    CHECK(parse({"-h"})->help_text.find("--learning-rate") != std::string::npos);
}

TEST_CASE("bad options and values are one clear error")
{
    auto rate = parse({"-r", "7"});
    REQUIRE_FALSE(rate.has_value());
    CHECK(rate.error().message().find("0 to 4") != std::string::npos);
    CHECK_FALSE(parse({"-r", "fast"}).has_value());
    CHECK_FALSE(parse({"--no-such-option"}).has_value());
    CHECK_FALSE(parse({"-q"}).has_value());
    CHECK_FALSE(parse({"--netns", ""}).has_value());
    CHECK_FALSE(parse({"stray"}).has_value());
}
