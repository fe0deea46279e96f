// steadyfeed — the daemon's entry point. It only wires commands to components.
#include <CLI/CLI.hpp>

#include <iostream>

#include "check_config_command.hpp"
#include "config.hpp"
#include "config_reference.hpp"
#include "demo_command.hpp"
#include "normalize_command.hpp"
#include "replay_command.hpp"
#include "run_command.hpp"
#include "status_command.hpp"
#include "verify.hpp"

int main(int argc, char** argv) {
  CLI::App app{"steadyfeed — exchange market-data feeds that do not lose data"};
  app.set_version_flag("--version", "steadyfeed 0.1.0");
  app.require_subcommand(1);

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a configuration and print it resolved");
  check->add_option("-c,--config", config_file, "YAML configuration file")->required();

  auto* reference = app.add_subcommand(
      "config-reference", "Print every configuration key with its default (docs/configuration.md)");

  auto* run = app.add_subcommand("run", "Record the configured feeds until SIGINT/SIGTERM");
  run->add_option("-c,--config", config_file, "YAML configuration file")->required();

  sf::daemon::demo_options demo_options;
  std::string demo_out = "demo-out";
  auto* demo = app.add_subcommand("demo", "Record the built-in simulator under faults, then verify");
  demo->add_option("--seconds", demo_options.seconds, "how long to run")->check(CLI::Range(10, 86400));
  demo->add_option("--out", demo_out, "directory for data/ and truth/");
  demo->add_option("--api", demo_options.api, "HOST:PORT for the control API");
  demo->add_flag("--force", demo_options.force, "replace OUT/data and OUT/truth even if OUT was not made by demo");

  std::string venue;
  auto* normalize = app.add_subcommand("normalize", "Raw venue frames on stdin (one per line) to records on stdout");
  normalize->add_option("--venue", venue, "the venue that sent the frames")->required();

  std::string truth_dir, data_dir;
  auto* verify = app.add_subcommand("verify", "Compare a recording with a simulator's ground truth");
  verify->add_option("--truth", truth_dir, "the simulator's --truth directory")->required();
  auto* data_option = verify->add_option("--data", data_dir, "the recording's directory");
  sf::nats_sink_config verify_nats;
  verify_nats.servers.clear();
  auto* nats_option = verify->add_option("--nats", verify_nats.servers,
                                         "judge the records of a JetStream stream instead: its servers, nats://HOST:PORT")
                          ->delimiter(',')
                          ->excludes(data_option);
  verify->add_option("--stream", verify_nats.stream.name, "with --nats: the stream")->capture_default_str();
  verify->add_option("--subject-prefix", verify_nats.subject_prefix, "with --nats: the sink's subject prefix")
      ->capture_default_str();
  bool one_collector = false;
  verify->add_flag("--one-collector", one_collector,
                   "with --nats: one collector fed the stream, so records must be in order (with several, a trade "
                   "a collector behind the others sent first comes late, and a book record behind the book is stale)");
  sf::daemon::verify_options verify_options;
  std::int64_t verify_from = 0, verify_to = 0;
  std::string verify_margin;
  auto* from_option = verify->add_option("--from", verify_from, "window start: exchange time, µs since the epoch");
  auto* to_option = verify->add_option("--to", verify_to, "window end: exchange time, µs since the epoch");
  verify->add_option("--margin", verify_margin,
                     "left off each end of the recording's own window (default 1s); ignored where --from/--to are given")
      ->check([](const std::string& text) {
        return sf::daemon::parse_duration(text) ? std::string() : "expected a duration like 500ms, 2s or 1m";
      });
  verify->add_option("--streams", verify_options.streams, "venue/channel/symbol streams to judge (default: every stream of the truth)")
      ->delimiter(',');

  sf::daemon::replay_options replay_options;
  std::string replay_from, replay_to;
  auto* replay = app.add_subcommand("replay", "Send a recording on, in receive order: to stdout, or to a config's sinks");
  replay->add_option("--data", replay_options.data, "the recording's directory")->required();
  const auto time_check = [](const std::string& text) {
    return sf::daemon::parse_time(text) ? std::string()
                                        : "expected µs since the epoch or a time like 2026-12-03T10:00:00Z";
  };
  replay->add_option("--from", replay_from, "from this receive time")->check(time_check);
  replay->add_option("--to", replay_to, "up to this receive time")->check(time_check);
  replay->add_option("--streams", replay_options.streams, "venue/channel/symbol streams (default: all)")->delimiter(',');
  replay->add_option("--speed", replay_options.speed, "1: the recorded pace; 0: as fast as possible")
      ->capture_default_str();
  replay->add_option("-c,--config", replay_options.config, "send to this configuration's sinks instead of stdout");

  sf::daemon::status_options status_options;
  auto* status = app.add_subcommand("status", "Print a running daemon's connections, from its control API");
  status->add_option("--api", status_options.api, "the daemon's API, as http://HOST:PORT");
  status->add_flag("--watch", status_options.watch, "redraw every two seconds until interrupted");

  CLI11_PARSE(app, argc, argv);
  if (check->parsed()) return sf::daemon::check_config_command(config_file, std::cout, std::cerr);
  if (reference->parsed()) return sf::daemon::config_reference_command(std::cout);
  if (run->parsed()) return sf::daemon::run_command(config_file);
  if (replay->parsed()) {
    if (!replay_from.empty()) replay_options.from = sf::daemon::parse_time(replay_from);
    if (!replay_to.empty()) replay_options.to = sf::daemon::parse_time(replay_to);
    return sf::daemon::replay_command(replay_options, std::cout, std::cerr);
  }
  if (status->parsed()) return sf::daemon::status_command(status_options, std::cout, std::cerr);
  if (normalize->parsed()) return sf::daemon::normalize_command(venue, std::cin, std::cout, std::cerr);
  if (demo->parsed()) {
    demo_options.out = demo_out;
    return sf::daemon::demo_command(demo_options);
  }
  if (verify->parsed()) {
    if (from_option->count()) verify_options.from = verify_from;
    if (to_option->count()) verify_options.to = verify_to;
    if (!verify_margin.empty())
      verify_options.start_margin = verify_options.end_margin = *sf::daemon::parse_duration(verify_margin);
    verify_options.merged = !one_collector;
    if (nats_option->count())
      return sf::daemon::verify_nats_command(truth_dir, verify_nats, std::cout, std::cerr, verify_options);
    if (!data_option->count()) {
      std::cerr << "verify: --data DIR or --nats URL is required\n";
      return 2;
    }
    verify_options.merged = false;  // files: one recorder
    return sf::daemon::verify_command(truth_dir, data_dir, std::cout, std::cerr, verify_options);
  }
  return 0;
}
