#include "tcp_buffer_signal.hpp"

extern "C" {
#include "tcp_buffer_event.h"
}

#include <doctest/doctest.h>

#include <cstring>

using namespace bpftune::tcp_buffer;

namespace {
std::vector<std::byte> record_of(std::uint16_t kind)
{
    tcp_buffer_event e{};
    e.header.kind = kind;
    e.header.size = sizeof e;
    e.buffer_bytes = 131072;
    e.sysctl_max_bytes = 131072;
    std::vector<std::byte> bytes(sizeof e);
    std::memcpy(bytes.data(), &e, sizeof e);
    return bytes;
}
}  // namespace

TEST_CASE("a receive-near-ceiling record asks for the program on every read, and nothing else")
{
    const auto bytes = record_of(TCP_BUFFER_RCV_NEAR_CEILING);
    const auto signal = decode(42, bytes);
    REQUIRE(signal);
    REQUIRE(signal->receive_near_ceiling);
    CHECK(signal->receive_near_ceiling->netns_cookie == 42);
    CHECK_FALSE(signal->buffer);
    CHECK_FALSE(signal->memory);
}

TEST_CASE("a receive-limited record is a buffer signal on the receive side")
{
    const auto bytes = record_of(TCP_BUFFER_RCVBUF_LIMITED);
    const auto signal = decode(42, bytes);
    REQUIRE(signal);
    REQUIRE(signal->buffer);
    CHECK(signal->buffer->side == Side::receive);
    CHECK(signal->buffer->sysctl_max_bytes == 131072);
    CHECK_FALSE(signal->receive_near_ceiling);
}

TEST_CASE("records of an unknown kind or too short decode to nothing")
{
    CHECK_FALSE(decode(42, record_of(99)));
    const auto bytes = record_of(TCP_BUFFER_RCV_NEAR_CEILING);
    CHECK_FALSE(decode(42, std::span(bytes).first(bytes.size() - 1)));
}
