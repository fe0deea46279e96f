#include "sim/okx_venue.hpp"

#include <cstdio>

#include "sim/duration_text.hpp"
#include "sim/okx_rest.hpp"
#include "sim/okx_session.hpp"

namespace sf::sim {

namespace {

constexpr std::string_view checksum_option = "checksum";
constexpr std::string_view keepalive_option = "keepalive";

const option_check checksum_check = one_of({"crc32", "zero"});

std::string hex8(std::uint64_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v & 0xffffffffu));
  return buf;
}

const std::string* option(const venue_settings& settings, std::string_view name) {
  const auto it = settings.options.find(name);
  return it == settings.options.end() ? nullptr : &it->second;
}

}  // namespace

venue_settings okx_venue::defaults() const {
  venue_settings s;
  // No documented lifetime; the channel limit per connection is undocumented
  // too, and 1000 is a generous guess.
  s.rules.limits.idle_timeout = seconds{30};
  s.rules.limits.inbound_per_second = 480.0 / 3600.0;
  s.rules.limits.inbound_window = hours{1};
  s.rules.limits.max_topics = 1000;
  s.rules.connects_per_window = 3;
  s.rules.connect_window = seconds{1};
  // §3.9: per IP, per endpoint; 429 (code 50011) beyond.
  s.rules.rest_limits = {{"books", 40, seconds{2}}, {"trades", 100, seconds{2}}, {"history-trades", 20, seconds{2}}};
  s.options.emplace(checksum_option, "crc32");
  // Books: an update with empty asks/bids and seqId == prevSeqId after this
  // long without a change (venues.md §3.6: ~60 s).
  s.options.emplace(keepalive_option, "60s");
  return s;
}

std::vector<venue_flag> okx_venue::flags() const {
  return {
      limit_flag("--idle-timeout", "OKX close (4004) after this long without a push", "30s",
                 &session_limits::idle_timeout),
      option_flag("--okx-checksum",
                  "crc32 (legacy, computed) or zero (production since 2026-06-23)", "crc32",
                  std::string(checksum_option), checksum_check),
      option_flag("--okx-keepalive",
                  "OKX books: empty update after this long without a change (0s: never)", "60s",
                  std::string(keepalive_option), duration_problem),
  };
}

std::vector<std::string> okx_venue::check(const venue_settings& settings) const {
  std::vector<std::string> problems;
  for (const auto& [key, value] : settings.options) {
    std::optional<std::string> problem;
    if (key == checksum_option) {
      problem = checksum_check(value);
    } else if (key == keepalive_option) {
      problem = duration_problem(value);
    } else {
      problem = "unknown option; expected checksum or keepalive";
    }
    if (problem) problems.push_back(key + ": " + *problem);
  }
  return problems;
}

okx_ws::checksum_mode okx_venue::checksum_of(const venue_settings& settings) {
  const auto* text = option(settings, checksum_option);
  return text && *text == "zero" ? okx_ws::checksum_mode::zero : okx_ws::checksum_mode::crc32;
}

duration okx_venue::book_keepalive(const venue_settings& settings) const {
  const auto* text = option(settings, keepalive_option);
  return parse_duration(text ? *text : "60s").value_or(seconds{60});
}

std::unique_ptr<dialect_session> okx_venue::open_session(std::string_view target,
                                                         const session_setup& setup) const {
  if (target.substr(0, target.find('?')) != "/ws/v5/public") return nullptr;
  return std::make_unique<okx_session>(std::string(name()), hex8(setup.rng.next()), setup.markets,
                                       checksum_of(setup.settings),
                                       setup.settings.rules.limits.max_topics);
}

http_reply okx_venue::too_many_connections() const {
  // OKX documents no body for a refused handshake; Binance's is the one
  // clients already know how to read as "too many connections".
  return {429, R"({"code":-1003,"msg":"Too many new connections."})", {{"Retry-After", "1"}}};
}

bool okx_venue::serves_rest(std::string_view path) const {
  return okx_ws::is_rest_path(path);
}

http_reply okx_venue::rest(std::string_view path, const rest_query& query,
                           const market_registry& markets, wall_us now) const {
  return okx_ws::rest_reply(path, query, markets, name(), now);
}

http_reply okx_venue::rest_error(int status) const {
  return okx_ws::rest_error_reply(status);
}

std::pair<std::string, int> okx_venue::rest_cost(std::string_view path, const rest_query&) const {
  // §3.9: one count per request, per endpoint.
  constexpr std::string_view prefix = "/api/v5/market/";
  if (!path.starts_with(prefix)) return {};
  return {std::string(path.substr(prefix.size())), 1};
}

std::vector<std::string> okx_venue::urls(std::string_view ws_base,
                                         std::string_view http_base) const {
  const std::string ws(ws_base), http(http_base);
  return {
      "okx ws               " + ws + "/okx/ws/v5/public",
      "okx rest             " + http + "/okx/api/v5/market/{books,trades,history-trades}",
      // What a steadyfeed feed's config needs, as it is written there.
      "okx config           endpoints: {ws: \"" + ws + "/okx/ws/v5/public\", rest: \"" + http + "/okx\"}",
  };
}

}  // namespace sf::sim
