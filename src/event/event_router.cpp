#include "event/event_router.hpp"

#include <cstring>

namespace bpftune {

void EventRouter::subscribe(std::uint16_t tuner_id, Handler handler)
{
    handlers_[tuner_id] = std::move(handler);
}

void EventRouter::unsubscribe(std::uint16_t tuner_id)
{
    handlers_.erase(tuner_id);
}

void EventRouter::dispatch(RawRecord record)
{
    const auto read = record_as<bpftune_event_header>(record);
    if (!read) {
        ++counters_.malformed;
        return;
    }
    const bpftune_event_header& header = *read;
    if (header.version != BPFTUNE_EVENT_VERSION) {
        ++counters_.unknown_version;
        return;
    }
    if (header.size < sizeof header || header.size > record.size()) {
        ++counters_.malformed;
        return;
    }
    auto handler = handlers_.find(header.tuner_id);
    if (handler == handlers_.end()) {
        ++counters_.unowned;
        return;
    }
    const NetnsCookie cookie = header.netns_cookie ? header.netns_cookie : host_cookie_;
    if (!in_scope(cookie)) {
        ++counters_.out_of_scope;
        return;
    }
    ++counters_.delivered;
    handler->second(cookie, record.first(header.size));
}

}  // namespace bpftune
