#include "sim/market_registry.hpp"

#include <stdexcept>

namespace sf::sim {

market_registry::market_registry(const std::vector<std::string>& venues, const std::vector<std::string>& symbols,
                                 const market_config& config)
    : venues_(venues) {
  for (const auto& venue : venues) {
    for (const auto& symbol : symbols) {
      auto inst = make_instrument(symbol);
      if (!inst) throw std::invalid_argument("unknown symbol '" + symbol + "': expected BASEQUOTE such as BTCUSDT");
      streams_.push_back(std::make_unique<market_stream>(venue, std::move(*inst), config));
    }
  }
}

void market_registry::advance_to(duration t, market_stream::listener& sink) {
  for (auto& s : streams_) s->advance_to(t, sink);
}

market_stream* market_registry::find(std::string_view venue, std::string_view venue_symbol) {
  for (auto& s : streams_)
    if (s->venue() == venue && s->venue_symbol() == venue_symbol) return s.get();
  return nullptr;
}

const market_stream* market_registry::find(std::string_view venue, std::string_view venue_symbol) const {
  for (const auto& s : streams_)
    if (s->venue() == venue && s->venue_symbol() == venue_symbol) return s.get();
  return nullptr;
}

std::vector<const market_stream*> market_registry::all() const {
  std::vector<const market_stream*> out;
  for (const auto& s : streams_) out.push_back(s.get());
  return out;
}

}  // namespace sf::sim
