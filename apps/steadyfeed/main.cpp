// steadyfeed — the daemon's entry point. It only wires commands to components.
#include <CLI/CLI.hpp>

#include <iostream>

#include "check_config_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"steadyfeed — exchange market-data feeds that do not lose data"};
  app.set_version_flag("--version", "steadyfeed 0.1.0");
  app.require_subcommand(1);

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a configuration and print it resolved");
  check->add_option("-c,--config", config_file, "YAML configuration file")->required();

  CLI11_PARSE(app, argc, argv);
  if (check->parsed()) return sf::daemon::check_config_command(config_file, std::cout, std::cerr);
  return 0;
}
