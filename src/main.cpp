// bpftune: the thin executable; everything else lives in the core library.
#include "cli/options.hpp"
#include "control/query_client.hpp"
#include "daemon/all_tuners.hpp"
#include "daemon/daemon.hpp"
#include "daemon/support.hpp"
#include "log/log.hpp"
#include "rollback/rollback_state.hpp"
#include "bpftune_config.h"

#include <cstdio>

int main(int argc, char* argv[])
{
    auto options = bpftune::parse_options(argc, argv);
    if (!options) {
        std::fprintf(stderr, "bpftune: %s (see bpftune --help)\n",
                     options.error().message().c_str());
        return 2;
    }
    switch (options->action) {
    case bpftune::Action::help:
        std::fputs(options->help_text.c_str(), stdout);
        return 0;
    case bpftune::Action::version:
        std::printf("bpftune %s\n", BPFTUNE_VERSION);
        return 0;
    case bpftune::Action::support:
        return bpftune::report_support();
    case bpftune::Action::query:
        return bpftune::run_query(options->query, options->json, bpftune::tuner_names());
    case bpftune::Action::restore:
        bpftune::init_logging({.to_stderr = true, .debug = options->debug, .to_journal = false});
        return bpftune::restore_from_state(bpftune::rollback_state_file());
    case bpftune::Action::run:
        break;
    }
    return bpftune::run_daemon(*options);
}
