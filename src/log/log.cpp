#include "log/log.hpp"

#include "log/journal_sink.hpp"

#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/utility/manipulators/add_value.hpp>
#include <boost/core/null_deleter.hpp>

#include <iostream>

namespace bpftune {
namespace {

namespace logging = boost::log;

logging::sources::severity_logger<Severity>& logger()
{
    static logging::sources::severity_logger<Severity> instance;
    return instance;
}

const char* label(Severity severity)
{
    switch (severity) {
    case Severity::err: return "error: ";
    case Severity::warning: return "warning: ";
    case Severity::debug: return "debug: ";
    default: return "";
    }
}

void stderr_format(const logging::record_view& record, logging::formatting_ostream& out)
{
    auto severity = logging::extract<Severity>("Severity", record);
    out << "bpftune: " << (severity ? label(*severity) : "")
        << record[logging::expressions::smessage];
}

}  // namespace

void init_logging(const LogSinks& sinks)
{
    auto core = logging::core::get();
    core->remove_all_sinks();
    const Severity threshold = sinks.debug ? Severity::debug : Severity::info;
    auto allowed = [threshold](const logging::attribute_value_set& values) {
        auto severity = logging::extract<Severity>("Severity", values);
        return severity && static_cast<int>(*severity) <= static_cast<int>(threshold);
    };

    if (sinks.to_journal) {
        auto sink = boost::make_shared<logging::sinks::synchronous_sink<JournalBackend>>();
        sink->set_filter(allowed);
        core->add_sink(sink);
    }
    if (sinks.to_stderr || !sinks.to_journal) {
        auto backend = boost::make_shared<logging::sinks::text_ostream_backend>();
        backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
        backend->auto_flush(true);
        auto sink = boost::make_shared<logging::sinks::synchronous_sink<
            logging::sinks::text_ostream_backend>>(backend);
        sink->set_formatter(&stderr_format);
        sink->set_filter(allowed);
        core->add_sink(sink);
    }
}

namespace {

void emit(Severity severity, const std::string& message, const JournalFields& fields)
{
    auto record = logger().open_record(logging::keywords::severity = severity);
    if (!record)
        return;
    logging::record_ostream stream(record);
    stream << logging::add_value("JournalFields", fields) << message;
    stream.flush();
    logger().push_record(std::move(record));
}

// Identical consecutive messages are folded into one "repeated N times" line.
struct Repeats {
    std::string message;
    Severity severity = Severity::info;
    unsigned count = 0;
};

Repeats& repeats()
{
    static Repeats state;
    return state;
}

}  // namespace

void flush_repeated_messages()
{
    auto& r = repeats();
    if (r.count > 0)
        emit(r.severity, "the previous message was repeated " + std::to_string(r.count) +
                             (r.count == 1 ? " time" : " times"), {});
    r.count = 0;
}

void log(Severity severity, const std::string& message, const JournalFields& fields)
{
    auto& r = repeats();
    if (message == r.message && severity == r.severity) {
        ++r.count;
        return;
    }
    flush_repeated_messages();
    r.message = message;
    r.severity = severity;
    emit(severity, message, fields);
}

}  // namespace bpftune
