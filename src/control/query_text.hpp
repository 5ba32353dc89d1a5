// A reply as people read it: aligned tables, and rollback as lines a shell can run.
// Throws std::exception when the reply lacks what the request promises.
#pragma once

#include "control/query_protocol.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace bpftune {

// "4096 131072 6291456" for [4096,131072,6291456], "-" for null.
std::string json_text(const boost::json::value& value);

std::string render_reply(RequestKind kind, const boost::json::value& reply);

}  // namespace bpftune
