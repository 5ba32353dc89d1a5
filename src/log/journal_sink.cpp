#include "log/journal_sink.hpp"

#include "log/log.hpp"

#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/expressions/message.hpp>

#include <sys/uio.h>
// The code location of this sink says nothing about the event; leave CODE_* out.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <string>
#include <vector>

namespace bpftune {

void JournalBackend::consume(const boost::log::record_view& record)
{
    namespace logging = boost::log;
    std::vector<std::string> lines;
    if (auto message = logging::extract<std::string>(logging::expressions::smessage.get_name(), record))
        lines.push_back("MESSAGE=" + *message);
    if (auto severity = logging::extract<Severity>("Severity", record))
        lines.push_back("PRIORITY=" + std::to_string(static_cast<int>(*severity)));
    lines.push_back("SYSLOG_IDENTIFIER=bpftune");
    if (auto fields = logging::extract<JournalFields>("JournalFields", record))
        for (const auto& [key, value] : *fields)
            lines.push_back(key + "=" + value);

    std::vector<iovec> iov;
    iov.reserve(lines.size());
    for (auto& line : lines)
        iov.push_back({line.data(), line.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

}  // namespace bpftune
