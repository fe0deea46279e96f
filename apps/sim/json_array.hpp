// A JSON array of trades, each printed by the venue's own function: the
// shape of every venue's trade-history REST body.
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "sim/market_stream.hpp"

namespace sf::sim {

template <class Fn>
std::string json_array(const std::vector<const trade_event*>& items, Fn fn) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += fn(*items[i]);
  }
  out += ']';
  return out;
}

}  // namespace sf::sim
