// steadyfeed — the daemon's entry point. It only wires components together.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"steadyfeed — exchange market-data feeds that do not lose data"};
  app.set_version_flag("--version", "steadyfeed 0.1.0");
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}
