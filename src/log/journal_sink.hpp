// A Boost.Log sink backend that sends each record to the journal with its fields.
#pragma once

#include <boost/log/sinks/basic_sink_backend.hpp>

namespace bpftune {

class JournalBackend
    : public boost::log::sinks::basic_sink_backend<boost::log::sinks::synchronized_feeding> {
public:
    void consume(const boost::log::record_view& record);
};

}  // namespace bpftune
