// `steadyfeed demo`: the whole product in one command, offline.
//
// Starts the simulator in-process (Binance spot and OKX, BTC and ETH) with a
// fault schedule — short connection lifetimes so rotations happen every few
// seconds, a TCP reset, a half-open connection, a stall, a book sequence gap
// — records both venues with `redundancy: 2` into OUT/data while the truth
// goes to OUT/truth, shows a live status table, and ends with the `verify`
// verdict and one plain line, `PASS: nothing lost` or `FAIL: …` (exit 1 if
// anything was lost).
//
// OUT's data/ and truth/ are replaced on every run. A directory that is not
// empty and was not made by demo (it has no `.steadyfeed-demo` marker) is
// refused unless `force` is set: `--out .` in a project directory must not
// delete the recording `make run` keeps in ./data.
#pragma once

#include <filesystem>
#include <string>

namespace sf::daemon {

struct demo_options {
  int seconds = 30;
  std::filesystem::path out = "demo-out";
  std::string api;  // HOST:PORT; the control API arrives with the control plane
  // Replace OUT/data and OUT/truth even when OUT was not made by demo.
  bool force = false;
};

int demo_command(const demo_options& options);

}  // namespace sf::daemon
