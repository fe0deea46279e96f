#include "sim/dialect.hpp"

namespace sf::sim {

std::vector<std::string> dialect::check(const venue_settings& settings) const {
  std::vector<std::string> problems;
  for (const auto& [option, value] : settings.options)
    problems.push_back("unknown option '" + option + "'; " + std::string(name()) + " has none");
  return problems;
}

}  // namespace sf::sim
