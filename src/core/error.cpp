#include "core/error.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bpftune {

std::string Error::message() const
{
    if (code == 0)
        return context;
    return context + ": " + std::strerror(code);
}

Error errno_error(std::string context)
{
    return Error{errno, std::move(context)};
}

void throw_exception_from_error(const Error& error, const boost::source_location&)
{
    throw std::runtime_error(error.message());
}

}  // namespace bpftune
