// Names listed in a message: "a, b, c", or with its own word between the
// last two ("binance-spot or okx", "Binance Spot and OKX").
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sf::sim {

inline std::string word_list(const std::vector<std::string>& words,
                             std::string_view last_separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? last_separator : std::string_view(", ");
    out += words[i];
  }
  return out;
}

}  // namespace sf::sim
