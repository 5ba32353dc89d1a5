// The daemon's side of queries in one call: the roster of tuners it reports to, and the
// socket that answers from the roster, the actuator and the change log.
#pragma once

#include "actuator/actuator.hpp"
#include "change/change_log.hpp"
#include "control/query_server.hpp"
#include "control/tuner_roster.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bpftune {

// Opens the query socket (query_socket_path()) and serves it on the executor until stop().
// status shows the host and the watched namespaces (those --netns named).
// When it cannot, says why and returns nullptr: tuning goes on without queries.
std::unique_ptr<QueryServer> start_query_server(const boost::asio::any_io_executor& executor,
                                                const TunerRoster& roster, Actuator& actuator,
                                                const ChangeLog& changes,
                                                const std::set<NetnsCookie>& watched);

}  // namespace bpftune
