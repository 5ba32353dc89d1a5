// Logging: one call site shape for every message, with optional journal fields.
// Sinks: the journal (structured fields) and stderr; set up once by init_logging().
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bpftune {

// syslog priorities, so the journal's PRIORITY field is the enum's value.
enum class Severity { err = 3, warning = 4, notice = 5, info = 6, debug = 7 };

using JournalFields = std::vector<std::pair<std::string, std::string>>;

struct LogSinks {
    bool to_stderr = false;   // -s
    bool debug = false;       // -d: also debug messages
    bool to_journal = true;   // when the journal's socket exists
};

void init_logging(const LogSinks& sinks);

// Says how often the last message repeated, if it did (also done before any other message).
void flush_repeated_messages();

void log(Severity severity, const std::string& message, const JournalFields& fields = {});

inline void log_err(const std::string& m) { log(Severity::err, m); }
inline void log_warning(const std::string& m) { log(Severity::warning, m); }
inline void log_notice(const std::string& m) { log(Severity::notice, m); }
inline void log_info(const std::string& m) { log(Severity::info, m); }
inline void log_debug(const std::string& m) { log(Severity::debug, m); }

}  // namespace bpftune
