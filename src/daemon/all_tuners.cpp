#include "daemon/all_tuners.hpp"

#include "tcp_buffer_tuner.hpp"
#include "tcp_cong_tuner.hpp"

namespace bpftune {

const std::vector<TunerEntry>& all_tuners()
{
    static const std::vector<TunerEntry> tuners{
        {"tcp_buffer", make_tcp_buffer_tuner},
        {"tcp_cong", make_tcp_cong_tuner},
    };
    return tuners;
}

std::vector<std::string> tuner_names()
{
    std::vector<std::string> names;
    for (const auto& entry : all_tuners())
        names.emplace_back(entry.name);
    return names;
}

}  // namespace bpftune
