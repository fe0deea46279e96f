// OKX v5 (public) as the simulator serves it (venues.md §3): symbols as
// BASE-QUOTE ("BTC-USDT"), decimals in their shortest form, the documented
// rules (a close after 30 s without a push, 480 subscribe/unsubscribe ops an
// hour, 3 connects a second), book checksums and sequence resets, a keep-alive
// books update after a quiet minute, the /api/v5/market REST endpoints
// (okx_rest.hpp), and an okx_session per connection on /ws/v5/public.
//
// Options: "checksum" (crc32: computed; zero: as production has sent since
// 2026-06-23) and "keepalive" (a duration; 0s: never). Flags: --idle-timeout,
// --okx-checksum, --okx-keepalive.
//
// Thread safety: immutable; see dialect.hpp.
#pragma once

#include "sim/dialect.hpp"
#include "sim/okx_dialect.hpp"

namespace sf::sim {

class okx_venue final : public dialect {
 public:
  std::string_view name() const noexcept override { return "okx"; }
  std::string_view title() const noexcept override { return "OKX"; }
  number_style numbers() const noexcept override { return number_style::trimmed; }
  std::string symbol_of(const instrument& inst) const override {
    return inst.base + "-" + inst.quote;
  }

  venue_settings defaults() const override;
  std::vector<venue_flag> flags() const override;
  std::vector<std::string> check(const venue_settings& settings) const override;

  duration book_keepalive(const venue_settings& settings) const override;
  bool has_book_checksums() const noexcept override { return true; }
  bool restarts_sequences() const noexcept override { return true; }

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

  // The checksum mode the settings ask for.
  static okx_ws::checksum_mode checksum_of(const venue_settings& settings);
};

}  // namespace sf::sim
