#include "sysctl/tunable.hpp"

#include <doctest/doctest.h>

#include <climits>

using namespace bpftune;

namespace {
TunableSpec rmem()
{
    const ValueLimit limit{1, INT_MAX};
    return {"net.ipv4.tcp_rmem", "", TunableScope::per_netns, "min default max",
            {limit, limit, limit}, true};
}
}  // namespace

TEST_CASE("values within limits and in order are accepted")
{
    CHECK_FALSE(violates_limits(rmem(), SysctlValue::of({4096, 131072, 6291456})));
    CHECK_FALSE(violates_limits(rmem(), SysctlValue::of({4096, 131072, INT_MAX})));
}

TEST_CASE("INT_MAX is the ceiling: the 2 GB tcp_rmem bug cannot be written")
{
    auto why = violates_limits(rmem(), SysctlValue::of({4096, 131072, 2147483648LL}));
    REQUIRE(why);
    CHECK(why->find("outside") != std::string::npos);
}

TEST_CASE("min <= default <= max is enforced")
{
    CHECK(violates_limits(rmem(), SysctlValue::of({4096, 8388608, 6291456})));
    CHECK(violates_limits(rmem(), SysctlValue::of({8192, 4096, 6291456})));
}

TEST_CASE("the value count must match and values must be positive")
{
    CHECK(violates_limits(rmem(), SysctlValue::of({4096, 131072})));
    CHECK(violates_limits(rmem(), SysctlValue::of({0, 131072, 6291456})));
    CHECK(violates_limits(rmem(), SysctlValue::of_text("4096 lots")));
}
