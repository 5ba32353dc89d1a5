#include "sysctl/sysctl_io.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

using namespace bpftune;

TEST_CASE("sysctls are read from and written to a given /proc/sys root")
{
    auto root = std::filesystem::temp_directory_path() / ("bpftune-sysctl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "net/ipv4");
    std::ofstream(root / "net/ipv4/tcp_rmem") << "4096\t131072\t6291456\n";
    SysctlFiles files(root);

    auto value = files.read("net.ipv4.tcp_rmem");
    REQUIRE(value);
    CHECK(value->numbers == std::vector<std::int64_t>{4096, 131072, 6291456});

    REQUIRE(files.write("net.ipv4.tcp_rmem", SysctlValue::of({4096, 131072, 1048576})));
    CHECK(files.read("net.ipv4.tcp_rmem")->format() == "4096 131072 1048576");

    auto missing = files.read("net.ipv4.no_such_sysctl");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ENOENT);
    CHECK(missing.error().message().find("no_such_sysctl") != std::string::npos);
    CHECK_FALSE(files.exists("net.ipv4.no_such_sysctl"));
    std::filesystem::remove_all(root);
}
