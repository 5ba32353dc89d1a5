// Turns ring-buffer records into deliveries to the tuner that owns them. Checks the header
// (version, size, owner, namespace scope) once, so no tuner sees a malformed record.
#pragma once

#include "event_header.h"
#include "netns/netns_registry.hpp"

#include <cstddef>
#include <cstring>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>

namespace bpftune {

using RawRecord = std::span<const std::byte>;

// A record as the struct BPF sent, or nothing when it is too short to be one.
template <class Record>
std::optional<Record> record_as(RawRecord raw)
{
    Record record;
    if (raw.size() < sizeof record)
        return std::nullopt;
    std::memcpy(&record, raw.data(), sizeof record);
    return record;
}

struct RouterCounters {
    std::uint64_t delivered = 0;
    std::uint64_t malformed = 0;       // too short, or size field disagrees
    std::uint64_t unknown_version = 0;
    std::uint64_t unowned = 0;         // no tuner subscribed to that id
    std::uint64_t out_of_scope = 0;    // from a namespace outside --netns
};

class EventRouter {
public:
    // The handler receives the record with its namespace cookie resolved (0 -> host).
    using Handler = std::function<void(NetnsCookie, RawRecord)>;

    explicit EventRouter(NetnsCookie host_cookie) : host_cookie_(host_cookie) {}

    void subscribe(std::uint16_t tuner_id, Handler handler);
    void unsubscribe(std::uint16_t tuner_id);
    // Only events from these namespaces are delivered; empty means every namespace.
    void limit_to(std::set<NetnsCookie> cookies) { scope_ = std::move(cookies); }
    bool in_scope(NetnsCookie cookie) const { return scope_.empty() || scope_.contains(cookie); }
    // The --netns namespaces; empty means every namespace.
    const std::set<NetnsCookie>& scope() const { return scope_; }

    void dispatch(RawRecord record);
    const RouterCounters& counters() const { return counters_; }

private:
    NetnsCookie host_cookie_;
    std::set<NetnsCookie> scope_;
    std::map<std::uint16_t, Handler> handlers_;
    RouterCounters counters_;
};

}  // namespace bpftune
