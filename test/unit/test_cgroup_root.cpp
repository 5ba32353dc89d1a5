#include "ownership/cgroup_root.hpp"

#include <doctest/doctest.h>

using namespace bpftune;

TEST_CASE("the cgroup2 root is found in mountinfo, hybrid or unified")
{
    const char* hybrid =
        "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "40 30 0:35 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
    CHECK(*find_cgroup2_mount(hybrid) == "/sys/fs/cgroup/unified");
    const char* nested = "50 25 0:35 /system.slice /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
    CHECK_FALSE(find_cgroup2_mount(nested));  // not the root of the hierarchy
    CHECK_FALSE(find_cgroup2_mount("garbage without separator\n"));
}
