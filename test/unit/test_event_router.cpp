#include "event/event_router.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using namespace bpftune;

namespace {
std::vector<std::byte> record(std::uint16_t version, std::uint16_t tuner, std::uint64_t cookie,
                              std::size_t size = sizeof(bpftune_event_header))
{
    bpftune_event_header h{};
    h.version = version;
    h.tuner_id = tuner;
    h.size = static_cast<std::uint16_t>(size);
    h.netns_cookie = cookie;
    std::vector<std::byte> bytes(size);
    std::memcpy(bytes.data(), &h, sizeof h);
    return bytes;
}
}  // namespace

TEST_CASE("records reach their tuner with cookie 0 meaning the host")
{
    EventRouter router(77);
    NetnsCookie seen = 0;
    router.subscribe(1, [&](NetnsCookie cookie, RawRecord) { seen = cookie; });
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 1, 0));
    CHECK(seen == 77);
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 1, 1234));
    CHECK(seen == 1234);
    CHECK(router.counters().delivered == 2);
}

TEST_CASE("unknown versions, short records and unowned ids are counted, not delivered")
{
    EventRouter router(1);
    int delivered = 0;
    router.subscribe(1, [&](NetnsCookie, RawRecord) { ++delivered; });
    router.dispatch(record(BPFTUNE_EVENT_VERSION + 1, 1, 0));
    auto shortened = record(BPFTUNE_EVENT_VERSION, 1, 0);
    router.dispatch(RawRecord(shortened.data(), 8));
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 9, 0));
    auto lying = record(BPFTUNE_EVENT_VERSION, 1, 0);
    reinterpret_cast<bpftune_event_header*>(lying.data())->size = 4096;
    router.dispatch(lying);
    CHECK(delivered == 0);
    CHECK(router.counters().unknown_version == 1);
    CHECK(router.counters().malformed == 2);
    CHECK(router.counters().unowned == 1);
}

TEST_CASE("a namespace scope drops events from other namespaces")
{
    EventRouter router(1);
    int delivered = 0;
    router.subscribe(1, [&](NetnsCookie, RawRecord) { ++delivered; });
    router.limit_to({42});
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 1, 42));
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 1, 43));
    router.dispatch(record(BPFTUNE_EVENT_VERSION, 1, 0));  // the host is outside the scope
    CHECK(delivered == 1);
    CHECK(router.counters().out_of_scope == 2);
}
