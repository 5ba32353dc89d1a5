#include "options.hpp"

#include <boost/program_options.hpp>
#include <functional>
#include <random>
#include <vector>

#include "units.hpp"

namespace po = boost::program_options;

namespace linkemu {
namespace {

// One impairment setting, given for both directions (--delay) or one (--ab-delay, --ba-delay).
struct impairment_option {
  const char* name;
  const char* help;
  const char* expected;  // completes "'x' is not ..."
  std::function<bool(impairment&, const std::string&)> apply;
};

template <typename parsed_type>
bool store(std::optional<parsed_type> parsed, parsed_type& field) {
  if (parsed) field = *parsed;
  return parsed.has_value();
}

bool store_count(std::optional<std::uint64_t> parsed, std::uint64_t& field) {
  return parsed && *parsed > 0 && store(parsed, field);
}

const std::vector<impairment_option>& impairment_options() {
  static const std::vector<impairment_option> table = {
      {"delay", "one-way delay (25ms, 500us, 1.5s)", "a duration like 25ms, 500us or 1.5s",
       [](impairment& i, const std::string& v) { return store(parse_duration_us(v), i.delay_us); }},
      {"jitter", "delay varies uniformly by +-this; jitter alone never reorders",
       "a duration like 25ms, 500us or 1.5s",
       [](impairment& i, const std::string& v) { return store(parse_duration_us(v), i.jitter_us); }},
      {"loss", "random loss, percent of segments (1, 0.5%)", "a percent between 0 and 100",
       [](impairment& i, const std::string& v) { return store(parse_percent(v), i.loss_percent); }},
      {"reorder", "percent of segments held back by --reorder-delay", "a percent between 0 and 100",
       [](impairment& i, const std::string& v) { return store(parse_percent(v), i.reorder_percent); }},
      {"reorder-delay", "extra delay of a reordered segment (default 1ms)", "a duration like 1ms",
       [](impairment& i, const std::string& v) { return store(parse_duration_us(v), i.reorder_delay_us); }},
      {"rate", "rate limit (500mbit, 1gbit, 64kbit; 0 = none)", "a rate like 500mbit, 1gbit or 64kbit",
       [](impairment& i, const std::string& v) { return store(parse_rate_bits_per_s(v), i.rate_bits_per_s); }},
      {"burst", "token bucket depth in bytes (default: 2 MTU or 1 ms of rate)", "a size like 3000, 64k or 1m",
       [](impairment& i, const std::string& v) { return store(parse_size_bytes(v), i.burst_bytes); }},
      {"queue-packets", "bottleneck queue limit in segments (default 1000)", "a count above 0",
       [](impairment& i, const std::string& v) { return store_count(parse_size_bytes(v), i.queue_packets); }},
      {"queue-bytes", "bottleneck queue limit in bytes (default none)", "a size like 3000, 64k or 1m",
       [](impairment& i, const std::string& v) { return store(parse_size_bytes(v), i.queue_bytes); }},
  };
  return table;
}

// All options for parsing; `visible` gets what --help shows (the per-direction forms are implied).
po::options_description describe(po::options_description& visible) {
  po::options_description general("bpftune-linkemu: an emulated link between two network namespaces");
  general.add_options()
      ("help,h", "print this help")
      ("netns-a", po::value<std::string>()->required(), "namespace A: name in /run/netns, or a path")
      ("netns-b", po::value<std::string>()->required(), "namespace B: name in /run/netns, or a path")
      ("dev-a", po::value<std::string>()->default_value("emu0"), "TUN device name in A")
      ("dev-b", po::value<std::string>()->default_value("emu0"), "TUN device name in B")
      ("mtu", po::value<unsigned>()->default_value(1500), "MTU of both devices (68..65535)")
      ("no-offload", "no TSO/checksum offload: the kernel hands over MTU-sized packets")
      ("seed", po::value<std::uint64_t>(), "seed for loss, jitter and reordering (default: random, printed)")
      ("ready-file", po::value<std::string>(), "write 'ready' here once both devices are up")
      ("realtime", po::value<int>()->default_value(0),
       "run as SCHED_FIFO at this priority (1..99), so busy CPUs do not stretch delays; 0: off");
  po::options_description link("Link impairments; --X sets both directions, --ab-X A to B, --ba-X B to A");
  po::options_description one_way("");
  for (const auto& option : impairment_options()) {
    std::string name = option.name;
    link.add_options()(name.c_str(), po::value<std::string>(), option.help);
    one_way.add_options()(("ab-" + name).c_str(), po::value<std::string>(), "");
    one_way.add_options()(("ba-" + name).c_str(), po::value<std::string>(), "");
  }
  visible.add(general).add(link);
  po::options_description all;
  all.add(general).add(link).add(one_way);
  return all;
}

void apply_one(const po::variables_map& values, const std::string& key, const impairment_option& option,
               impairment& target) {
  if (!values.count(key)) return;
  const auto& text = values[key].as<std::string>();
  if (!option.apply(target, text))
    throw options_error("--" + key + ": '" + text + "' is not " + option.expected);
}

void apply_impairments(const po::variables_map& values, emulator_options& options) {
  for (const auto& option : impairment_options()) {
    std::string name = option.name;
    apply_one(values, name, option, options.a_to_b);
    apply_one(values, name, option, options.b_to_a);
    apply_one(values, "ab-" + name, option, options.a_to_b);
    apply_one(values, "ba-" + name, option, options.b_to_a);
  }
}

emulator_options collect(const po::variables_map& values) {
  emulator_options options;
  options.netns_a = values["netns-a"].as<std::string>();
  options.netns_b = values["netns-b"].as<std::string>();
  options.device_a = values["dev-a"].as<std::string>();
  options.device_b = values["dev-b"].as<std::string>();
  options.mtu_bytes = values["mtu"].as<unsigned>();
  if (options.mtu_bytes < 68 || options.mtu_bytes > 65535)
    throw options_error("--mtu: " + std::to_string(options.mtu_bytes) + " is not between 68 and 65535");
  options.offload = !values.count("no-offload");
  options.seed = values.count("seed") ? values["seed"].as<std::uint64_t>() : std::random_device{}();
  if (values.count("ready-file")) options.ready_file = values["ready-file"].as<std::string>();
  options.realtime_priority = values["realtime"].as<int>();
  if (options.realtime_priority < 0 || options.realtime_priority > 99)
    throw options_error("--realtime: " + std::to_string(options.realtime_priority) + " is not between 0 and 99");
  apply_impairments(values, options);
  return options;
}

}  // namespace

std::optional<emulator_options> parse_options(int argc, const char* const argv[], std::ostream& help_out) {
  po::options_description visible;
  po::options_description description = describe(visible);
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help")) {
      help_out << visible;
      return std::nullopt;
    }
    po::notify(values);
  } catch (const po::error& error) {
    throw options_error(error.what());
  }
  return collect(values);
}

}  // namespace linkemu
