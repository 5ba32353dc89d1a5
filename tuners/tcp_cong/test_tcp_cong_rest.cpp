#include "tcp_cong_rest.hpp"

#include <doctest/doctest.h>

using namespace bpftune::tcp_cong;
using namespace std::chrono_literals;

TEST_CASE("tcp_cong rests after a flood of connections it learned nothing from")
{
    CHECK(should_rest({.connections = 15000, .samples = 0, .loss_moves = 0}, 15s));
    CHECK(should_rest({.connections = 600000, .samples = 0, .loss_moves = 0}, 15s));
}

TEST_CASE("tcp_cong keeps watching a host with few connections, however little it learns")
{
    // 999 a second: the dispatch costs too little to miss a long transfer for.
    CHECK_FALSE(should_rest({.connections = 14985, .samples = 0, .loss_moves = 0}, 15s));
    CHECK_FALSE(should_rest({.connections = 0, .samples = 0, .loss_moves = 0}, 15s));
}

TEST_CASE("tcp_cong keeps watching while it learns or moves connections")
{
    CHECK_FALSE(should_rest({.connections = 600000, .samples = 1, .loss_moves = 0}, 15s));
    CHECK_FALSE(should_rest({.connections = 600000, .samples = 0, .loss_moves = 1}, 15s));
}

TEST_CASE("a watch period of no length never rests")
{
    CHECK_FALSE(should_rest({.connections = 600000, .samples = 0, .loss_moves = 0}, 0s));
}

TEST_CASE("the reason names the flood, what was missing and the rest")
{
    const auto reason = rest_reason({.connections = 612000, .samples = 0, .loss_moves = 0}, 15s, 300s);
    CHECK(reason ==
          "612000 connection ends in the last 15 s, none delivered enough to learn from (64 KiB) or "
          "lost enough to move to bbr: tcp_cong rests for 300 s, connections keep their "
          "namespace's default meanwhile, and its sockops program costs them nothing");
}
