#include "cli/options.hpp"

#include <boost/program_options.hpp>

#include <sstream>

namespace bpftune {
namespace {

namespace po = boost::program_options;

po::options_description describe_options()
{
    po::options_description options("Options");
    options.add_options()
        ("help,h", "show this help and exit")
        ("version,V", "show the version and exit")
        ("stderr,s", "log to standard error too (the journal is used whenever it runs)")
        ("debug,d", "log debug messages too")
        ("support,S", "report what this kernel supports and which tuners can run, then exit")
        ("allow,a", po::value<std::vector<std::string>>()->value_name("TUNER"),
            "run only this tuner (repeatable); default: all")
        ("netns", po::value<std::vector<std::string>>()->value_name("NAME|PATH"),
            "tune only this network namespace, a name under /run/netns or a path such as "
            "/proc/PID/ns/net (repeatable); default: every namespace")
        ("rollback,R", "restore every value bpftune changed when it exits")
        ("restore", "restore the original values recorded by a bpftune that is no longer "
            "running, then exit")
        ("learning-rate,r", po::value<int>()->value_name("0..4")->default_value(4),
            "how large each step may be: 4 the largest, 0 the most cautious")
        ("query,q", po::value<std::string>()->value_name("REQUEST"),
            "ask the running daemon: status, summary, rollback, tuners, tunables (help lists all)")
        ("json", "print query replies as JSON");
    return options;
}

std::string tuner_name(std::string name)
{
    // Oracle's bpftune takes "tcp_buffer_tuner.so"; accept that spelling too.
    for (const std::string suffix : {"_tuner.so", ".so"})
        if (name.size() > suffix.size() && name.ends_with(suffix))
            name.resize(name.size() - suffix.size());
    return name;
}

}  // namespace

Result<Options> parse_options(int argc, const char* const argv[])
{
    const auto described = describe_options();
    po::variables_map values;
    try {
        const po::positional_options_description no_positionals;
        po::store(po::command_line_parser(argc, argv)
                      .options(described)
                      .positional(no_positionals)
                      .run(),
                  values);
        po::notify(values);
    } catch (const po::error& e) {
        return Error{0, e.what()};
    }

    Options options;
    if (values.count("help")) {
        std::ostringstream text;
        text << "Usage: bpftune [OPTIONS]\n"
                "Keeps the network stack tuned: watches the kernel with BPF, raises or lowers\n"
                "sysctls in small steps, and records each change and its reason in the journal.\n\n"
             << described;
        options.action = Action::help;
        options.help_text = text.str();
        return options;
    }
    if (values.count("version"))
        options.action = Action::version;
    else if (values.count("support"))
        options.action = Action::support;
    else if (values.count("restore"))
        options.action = Action::restore;
    else if (values.count("query")) {
        options.action = Action::query;
        options.query = values["query"].as<std::string>();
    }
    options.to_stderr = values.count("stderr") || options.action != Action::run;
    options.debug = values.count("debug") > 0;
    options.rollback = values.count("rollback") > 0;
    options.json = values.count("json") > 0;
    options.learning_rate = values["learning-rate"].as<int>();
    if (options.learning_rate < 0 || options.learning_rate > 4)
        return Error{0, "the argument for option '--learning-rate' must be 0 to 4, not " +
                            std::to_string(options.learning_rate)};
    if (values.count("allow"))
        for (auto& name : values["allow"].as<std::vector<std::string>>())
            options.allow.push_back(tuner_name(name));
    if (values.count("netns"))
        options.netns = values["netns"].as<std::vector<std::string>>();
    for (const auto& ns : options.netns)
        if (ns.empty())
            return Error{0, "the argument for option '--netns' must not be empty"};
    return options;
}

}  // namespace bpftune
