// Binance Spot as the simulator serves it (venues.md §1): symbols as given
// ("BTCUSDT"), decimals with eight places, the documented rules (24 h
// lifetime, a ping frame every 20 s with a minute for the pong, 5 inbound
// messages/s, 1024 streams, 300 connects per 5 minutes), diff depth pushed
// per 100 ms and 1000 ms window, the /api/v3 REST endpoints
// (binance_spot_rest.hpp), and a binance_spot_session per connection.
//
// Flags: --lifetime, --ping-interval and --pong-timeout scale the rules.
//
// Thread safety: immutable; see dialect.hpp.
#pragma once

#include "sim/dialect.hpp"

namespace sf::sim {

class binance_spot_venue final : public dialect {
 public:
  std::string_view name() const noexcept override { return "binance-spot"; }
  std::string_view title() const noexcept override { return "Binance Spot"; }
  number_style numbers() const noexcept override { return number_style::fixed8; }
  std::string symbol_of(const instrument& inst) const override { return inst.symbol; }

  venue_settings defaults() const override;
  std::vector<venue_flag> flags() const override;

  std::vector<duration> book_windows() const override { return {milliseconds{100}, seconds{1}}; }

  std::unique_ptr<dialect_session> open_session(std::string_view target,
                                                const session_setup& setup) const override;
  http_reply too_many_connections() const override;

  bool serves_rest(std::string_view path) const override;
  http_reply rest(std::string_view path, const rest_query& query, const market_registry& markets,
                  wall_us now) const override;
  http_reply rest_error(int status) const override;
  std::pair<std::string, int> rest_cost(std::string_view path, const rest_query& query) const override;

  std::vector<std::string> urls(std::string_view ws_base,
                                std::string_view http_base) const override;
};

}  // namespace sf::sim
