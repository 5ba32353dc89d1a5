#include "rollback/rollback_state.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

using namespace bpftune;

TEST_CASE("rollback state survives a round trip through its file")
{
    RollbackState state{"6fdac5aa-11b9-46ce-993d-845324dcfc81",
                        {{"net.ipv4.tcp_rmem", 4097, "/run/netns/web", "web", "4096 131072 6291456"},
                         {"net.ipv4.tcp_wmem", 1, "", "host", "4096 16384 4194304"}}};
    auto file = std::filesystem::temp_directory_path() /
                ("bpftune-state-" + std::to_string(::getpid())) / "rollback.json";
    REQUIRE(save_state(file, state).has_value());
    auto loaded = load_state(file);
    REQUIRE(loaded.has_value());
    CHECK(loaded->boot_id == state.boot_id);
    CHECK(loaded->originals == state.originals);
    CHECK_FALSE(std::filesystem::exists(file.string() + ".new"));
    std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("a damaged state file is an error, not a crash")
{
    CHECK_FALSE(from_json("{not json").has_value());
    CHECK_FALSE(from_json(R"({"boot_id": 5, "originals": []})").has_value());
    CHECK_FALSE(from_json(R"({"boot_id": "x"})").has_value());
    CHECK(from_json(R"({"boot_id": "x", "originals": []})").has_value());
}

TEST_CASE("the boot id is read from the kernel")
{
    CHECK(current_boot_id().size() == 36);
}
