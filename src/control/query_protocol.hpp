// The query protocol, independent of sockets: one JSON request line in, one JSON reply out.
//
//   request:  {"request":"status"}\n           (or the same without the newline, then EOF)
//   reply:    {"ok":true,"reply":{...}}\n  or  {"ok":false,"error":"why"}\n
#pragma once

#include "core/error.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bpftune {

// view: a tuner's own view, asked for by the tuner's name (bpftune -q tcp_cong).
enum class RequestKind { help, tuners, tunables, status, summary, rollback, view };

struct RequestInfo {
    std::string_view name;          // as typed after -q
    RequestKind kind;
    bool json_name;                 // Oracle's jstatus/jtunables: the JSON form by name
    std::string_view description;
};

struct Request {
    RequestKind kind;
    std::string name;
};

// Every request name the daemon answers, in the order help lists them.
std::span<const RequestInfo> request_catalog();
const RequestInfo* find_request(std::string_view name);
// The names of tuners that answer a view request of their own.
using ViewNames = std::span<const std::string>;

// "help, tuners, ..." (and the view names) for error messages.
std::string request_names(ViewNames views = {});

// Parses one request line; the error is the text of the error reply.
Result<Request> parse_request(std::string_view line, ViewNames views = {});

// The line a client sends for a request name.
std::string request_line(std::string_view name);

std::string ok_reply(const boost::json::value& reply);
std::string error_reply(std::string_view error);

// A parsed reply: the reply value, or the daemon's error.
Result<boost::json::value> parse_reply(std::string_view text);

}  // namespace bpftune
