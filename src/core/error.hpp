// Errors are values: a failed operation returns what it tried and the kernel's reason.
#pragma once

#include <boost/system/result.hpp>

#include <ostream>
#include <string>

namespace bpftune {

struct Error {
    // Constructors, not an aggregate: an aggregate would be constructible from one integer,
    // and result<integer, Error> could then not tell a value from an error.
    Error() = default;
    Error(int code_, std::string context_) : code(code_), context(std::move(context_)) {}

    int code = 0;          // errno value, positive; 0 when the failure is not a system error
    std::string context;   // what was being done, e.g. "write /proc/sys/net/ipv4/tcp_rmem"

    // "context: reason" in one line, for logs and replies.
    std::string message() const;
};

inline std::ostream& operator<<(std::ostream& out, const Error& error)
{
    return out << error.message();
}

// Builds an Error from errno right after a failed system call.
Error errno_error(std::string context);

[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace bpftune
