#include "sysctl/sysctl_value.hpp"

#include <doctest/doctest.h>

using bpftune::parse_sysctl_value;
using bpftune::SysctlValue;

TEST_CASE("multi-value sysctls parse from the kernel's tab-separated form")
{
    auto v = parse_sysctl_value("4096\t131072\t6291456\n");
    REQUIRE(v.numbers.size() == 3);
    CHECK(v.numbers[2] == 6291456);
    CHECK(v.format() == "4096 131072 6291456");
}

TEST_CASE("single values, negatives and 64-bit values parse")
{
    CHECK(parse_sysctl_value("1\n").numbers == std::vector<std::int64_t>{1});
    CHECK(parse_sysctl_value("-1\n").numbers == std::vector<std::int64_t>{-1});
    CHECK(parse_sysctl_value("9223372036854775807").numbers[0] == INT64_MAX);
}

TEST_CASE("anything that is not a list of integers is text")
{
    auto v = parse_sysctl_value("reno cubic bbr\n");
    CHECK(v.is_text());
    CHECK(v.text == "reno cubic bbr");
    CHECK(parse_sysctl_value("12abc").is_text());
    CHECK(parse_sysctl_value("").is_text());
}

TEST_CASE("values compare by content")
{
    CHECK(SysctlValue::of({1, 2, 3}) == parse_sysctl_value("1 2 3"));
    CHECK_FALSE(SysctlValue::of({1, 2, 3}) == SysctlValue::of({1, 2, 4}));
}

TEST_CASE("sysctl names map to /proc/sys paths and back")
{
    CHECK(bpftune::sysctl_relative_path("net.ipv4.tcp_rmem") == "net/ipv4/tcp_rmem");
    CHECK(bpftune::sysctl_name_from_path("net/ipv4/tcp_rmem") == "net.ipv4.tcp_rmem");
}
