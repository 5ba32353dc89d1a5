// Asio is compiled once here: the project builds with BOOST_ASIO_SEPARATE_COMPILATION.
#include <boost/asio/impl/src.hpp>
