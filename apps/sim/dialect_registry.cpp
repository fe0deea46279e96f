#include "sim/dialect_registry.hpp"

#include <memory>
#include <stdexcept>
#include <tuple>

#include "sim/binance_spot_venue.hpp"
#include "sim/okx_venue.hpp"
#include "sim/word_list.hpp"

namespace sf::sim {

namespace {

template <class... Dialect>
std::vector<const dialect*> make_registry() {
  static const std::tuple<Dialect...> instances;
  return {&std::get<Dialect>(instances)...};
}

}  // namespace

const std::vector<const dialect*>& all_dialects() {
  static const std::vector<const dialect*> dialects =
      make_registry<binance_spot_venue, okx_venue>();
  return dialects;
}

const dialect* find_dialect(std::string_view name) {
  for (const auto* d : all_dialects())
    if (d->name() == name) return d;
  return nullptr;
}

const dialect& dialect_of(std::string_view name) {
  if (const auto* d = find_dialect(name)) return *d;
  throw std::invalid_argument("unknown venue '" + std::string(name) + "' (" +
                              word_list(dialect_names()) + ")");
}

std::vector<std::string> dialect_names() {
  std::vector<std::string> out;
  for (const auto* d : all_dialects()) out.emplace_back(d->name());
  return out;
}

std::map<std::string, venue_settings, std::less<>> default_venue_settings() {
  std::map<std::string, venue_settings, std::less<>> out;
  for (const auto* d : all_dialects()) out.emplace(d->name(), d->defaults());
  return out;
}

}  // namespace sf::sim
