// A venue as the simulator serves it: everything that differs from one venue
// to the next, behind one interface, so that the server, the connections, the
// REST layer, faults, truth and the command line hold no venue's name.
//
// A dialect answers for the whole venue: its name and the way it spells
// symbols and prints numbers, its rules and options (with their defaults and
// flags), the book behaviour the server carries out for its markets (pushes
// per time window, keep-alive updates), which venue-specific faults apply,
// its REST routes and error bodies, the URLs it serves, and, for each
// WebSocket connection, a dialect_session that speaks its protocol.
//
// Dialects are written from the venues' documentation, independently of the
// library's adapters (design.md §7): shared code would let one bug hide the
// other. They are found by name in dialect_registry.hpp; a venue is one
// dialect, its session, and one line there.
//
// Thread safety: a dialect is immutable and stateless; its functions may be
// called from any thread. Per-server values come in as venue_settings.
// Lifetime: dialects live in the registry for the whole program.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/decimal.hpp"
#include "sim/dialect_session.hpp"
#include "sim/http_reply.hpp"
#include "sim/instrument.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_query.hpp"
#include "sim/venue_flag.hpp"
#include "sim/venue_settings.hpp"
#include "steadyfeed/core/random.hpp"

namespace sf::sim {

// What a session is opened with.
struct session_setup {
  const venue_settings& settings;  // the venue's, as the server runs it
  const market_registry& markets;  // to look up the venue's instruments
  sf::rng& rng;  // the connection's own: what the venue draws per connection comes from it
};

class dialect {
 public:
  virtual ~dialect() = default;

  // The venue's name: its URL prefix, its truth directory, the records'
  // "venue" ("binance-spot").
  virtual std::string_view name() const noexcept = 0;
  // The venue as people write it, for help text ("Binance Spot").
  virtual std::string_view title() const noexcept = 0;
  // How the venue prints prices and sizes, on the wire and so in the truth.
  virtual number_style numbers() const noexcept = 0;
  // The venue's spelling of an instrument ("BTCUSDT", "BTC-USDT").
  virtual std::string symbol_of(const instrument& inst) const = 0;

  // The venue's documented rules, and its options' defaults.
  virtual venue_settings defaults() const = 0;
  // The flags that set the venue's settings from the command line.
  virtual std::vector<venue_flag> flags() const { return {}; }
  // Problems with the options in `settings` (values, unknown names); empty
  // when the server can run with them. By default a venue has no options.
  virtual std::vector<std::string> check(const venue_settings& settings) const;

  // Time windows over which the venue pushes merged book updates; each
  // closed window goes to dialect_session::on_book_window. Empty: none.
  virtual std::vector<duration> book_windows() const { return {}; }
  // After this long without a change to a book, the venue publishes an
  // update with no levels (and it goes to the truth); 0: never.
  virtual duration book_keepalive(const venue_settings&) const { return duration{0}; }

  // Whether the venue's book frames carry a checksum (the bad_checksum fault
  // applies), and whether its book sequence can restart (sequence_reset).
  virtual bool has_book_checksums() const noexcept { return false; }
  virtual bool restarts_sequences() const noexcept { return false; }

  // The session for a WebSocket request target after the venue prefix
  // ("/ws/btcusdt@trade"); nullptr when the target is no endpoint of the venue.
  virtual std::unique_ptr<dialect_session> open_session(std::string_view target,
                                                        const session_setup& setup) const = 0;
  // The answer to an upgrade over the connection-rate limit.
  virtual http_reply too_many_connections() const = 0;

  // Whether `path` (after the venue prefix, without the query) is under the
  // venue's REST API; only such requests suffer REST faults.
  virtual bool serves_rest(std::string_view path) const = 0;
  // The answer to a GET of `path` under the REST API, errors included.
  virtual http_reply rest(std::string_view path, const rest_query& query,
                          const market_registry& markets, wall_us now) const = 0;
  // The venue's error body for an injected REST failure: 429 (rate limit) or
  // a 5xx `status`; 418 too for a venue that bans (venue_rules::rest_ban).
  // The caller adds Retry-After.
  virtual http_reply rest_error(int status) const = 0;
  // What a GET of `path` spends of the venue's REST limits
  // (venue_rules::rest_limits): a budget and a cost. No budget: free.
  virtual std::pair<std::string, int> rest_cost(std::string_view /*path*/, const rest_query& /*query*/) const {
    return {};
  }

  // The start-up banner's lines for this venue, given the WebSocket and HTTP
  // bases ("ws://127.0.0.1:9000", "http://127.0.0.1:9000").
  virtual std::vector<std::string> urls(std::string_view ws_base,
                                        std::string_view http_base) const = 0;
};

}  // namespace sf::sim
