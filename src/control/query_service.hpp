// Answers one request line with one reply line; never throws. The transport is elsewhere.
#pragma once

#include "control/live_replies.hpp"

#include <string>
#include <string_view>

namespace bpftune {

class QueryService {
public:
    explicit QueryService(LiveSources sources) : sources_(sources) {}

    std::string answer(std::string_view request_line);

private:
    LiveSources sources_;
};

}  // namespace bpftune
