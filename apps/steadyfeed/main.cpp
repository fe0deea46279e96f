// steadyfeed — the daemon's entry point. It only wires commands to components.
#include <CLI/CLI.hpp>

#include <iostream>

#include "check_config_command.hpp"
#include "run_command.hpp"
#include "verify.hpp"

int main(int argc, char** argv) {
  CLI::App app{"steadyfeed — exchange market-data feeds that do not lose data"};
  app.set_version_flag("--version", "steadyfeed 0.1.0");
  app.require_subcommand(1);

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a configuration and print it resolved");
  check->add_option("-c,--config", config_file, "YAML configuration file")->required();

  auto* run = app.add_subcommand("run", "Record the configured feeds until SIGINT/SIGTERM");
  run->add_option("-c,--config", config_file, "YAML configuration file")->required();

  std::string truth_dir, data_dir;
  auto* verify = app.add_subcommand("verify", "Compare a recording with a simulator's ground truth");
  verify->add_option("--truth", truth_dir, "the simulator's --truth directory")->required();
  verify->add_option("--data", data_dir, "the recording's directory")->required();

  CLI11_PARSE(app, argc, argv);
  if (check->parsed()) return sf::daemon::check_config_command(config_file, std::cout, std::cerr);
  if (run->parsed()) return sf::daemon::run_command(config_file);
  if (verify->parsed()) return sf::daemon::verify_command(truth_dir, data_dir, std::cout, std::cerr);
  return 0;
}
