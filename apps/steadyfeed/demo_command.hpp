// `steadyfeed demo`: the whole product in one command, offline.
//
// Starts the simulator in-process (Binance spot and OKX, BTC and ETH) with a
// fault schedule — short connection lifetimes so rotations happen every few
// seconds, a TCP reset, a half-open connection, a stall, a book sequence gap
// — records both venues with `redundancy: 2` into OUT/data while the truth
// goes to OUT/truth, shows a live status table, and ends with the `verify`
// verdict (exit 1 if anything was lost).
#pragma once

#include <filesystem>
#include <string>

namespace sf::daemon {

struct demo_options {
  int seconds = 30;
  std::filesystem::path out = "demo-out";
  std::string api;  // HOST:PORT; the control API arrives with the control plane
};

int demo_command(const demo_options& options);

}  // namespace sf::daemon
