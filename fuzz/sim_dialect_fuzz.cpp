// The simulator's venue dialects on what a client sends them: the WebSocket
// request target after the venue prefix (which picks the streams), the text
// messages on the connection (subscribe, unsubscribe, list, ping ...), and a
// REST request's path and query. A test tool that crashes on a client's
// mistake hides the mistake it was meant to show.
//
// Input: one byte picks the venue, then the target up to the first newline,
// then one client message per line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/dialect_registry.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_query.hpp"
#include "sim/testing/recording_link.hpp"
#include "steadyfeed/core/random.hpp"

namespace {

const sf::sim::market_registry& markets() {
  static const sf::sim::market_registry registry = [] {
    sf::sim::market_config config;
    config.depth = 5;
    return sf::sim::market_registry(sf::sim::dialect_names(), {"BTCUSDT", "ETHUSDT"}, config);
  }();
  return registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& dialects = sf::sim::all_dialects();
  const sf::sim::dialect& d = *dialects[data[0] % dialects.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t nl = rest.find('\n');
  const std::string_view target = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);

  // The same target as a REST request.
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const sf::sim::rest_query query(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (d.serves_rest(path)) (void)d.rest(path, query, markets(), 1'700'000'000'000'000);

  const auto settings = sf::sim::default_venue_settings();
  sf::rng rng(1);
  const sf::sim::session_setup setup{settings.find(d.name())->second, markets(), rng};
  const auto session = d.open_session(target, setup);
  if (!session) return 0;
  sf::sim::testing::recording_link link;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    session->on_text(rest.substr(0, end), link);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  (void)session->topics();
  (void)session->describe_fields();
  return 0;
}
