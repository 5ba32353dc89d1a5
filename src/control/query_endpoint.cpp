#include "control/query_endpoint.hpp"

#include "control/query_service.hpp"
#include "control/socket_file.hpp"
#include "log/log.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <exception>

namespace bpftune {

std::unique_ptr<QueryServer> start_query_server(const boost::asio::any_io_executor& executor,
                                                const TunerRoster& roster, Actuator& actuator,
                                                const ChangeLog& changes,
                                                const std::set<NetnsCookie>& watched)
{
    QueryService service({roster, actuator, changes, watched});
    auto server = QueryServer::open(executor, query_socket_path(),
                                    [service](std::string_view line) mutable {
                                        return service.answer(line);
                                    });
    if (!server) {
        log_err("no query socket: " + server.error().message() + "; tuning goes on without it");
        return nullptr;
    }
    boost::asio::co_spawn(executor, (*server)->run(), [](std::exception_ptr e) {
        try {
            if (e)
                std::rethrow_exception(e);
        } catch (const std::exception& error) {
            log_err(std::string("the query socket stopped: ") + error.what());
        }
    });
    log_info("answering queries on " + (*server)->path().string());
    return std::move(*server);
}

}  // namespace bpftune
