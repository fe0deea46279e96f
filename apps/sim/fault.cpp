#include "sim/fault.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "sim/dialect_registry.hpp"
#include "sim/duration_text.hpp"
#include "sim/word_list.hpp"

namespace sf::sim {

namespace {

constexpr std::array<std::pair<fault_kind, std::string_view>, 15> names{{
    {fault_kind::close, "close"},
    {fault_kind::reset, "reset"},
    {fault_kind::half_open, "half_open"},
    {fault_kind::stall, "stall"},
    {fault_kind::slow_drip, "slow_drip"},
    {fault_kind::garbage, "garbage"},
    {fault_kind::oversized, "oversized"},
    {fault_kind::malformed_json, "malformed_json"},
    {fault_kind::maintenance, "maintenance"},
    {fault_kind::sequence_gap, "sequence_gap"},
    {fault_kind::bad_checksum, "bad_checksum"},
    {fault_kind::rest_error, "rest_error"},
    {fault_kind::rest_429, "rest_429"},
    {fault_kind::refuse_connections, "refuse_connections"},
    {fault_kind::sequence_reset, "sequence_reset"},
}};

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

bool known_venue(std::string_view v) { return find_dialect(v) != nullptr; }

// The venues a fault that needs `has` applies to.
template <class Has>
std::vector<std::string> venues_that(Has has) {
  std::vector<std::string> out;
  for (const auto* d : all_dialects())
    if (has(*d)) out.emplace_back(d->name());
  return out;
}

}  // namespace

std::string_view name_of(fault_kind kind) noexcept {
  for (const auto& [k, n] : names)
    if (k == kind) return n;
  return "unknown";
}

std::optional<fault_kind> fault_from_name(std::string_view name) noexcept {
  for (const auto& [k, n] : names)
    if (n == name) return k;
  return std::nullopt;
}

std::string fault_names() {
  std::string out;
  for (const auto& [k, n] : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool is_connection_fault(fault_kind kind) noexcept {
  return kind != fault_kind::rest_error && kind != fault_kind::rest_429 && kind != fault_kind::refuse_connections &&
         !is_market_fault(kind);
}

bool is_market_fault(fault_kind kind) noexcept { return kind == fault_kind::sequence_reset; }

std::optional<fault_spec> parse_fault(const std::map<std::string, std::string>& fields, std::string_view where,
                                      std::vector<std::string>& errors) {
  const std::size_t errors_before = errors.size();
  const auto fail = [&](std::string_view key, const std::string& what) {
    errors.push_back(std::string(where) + ": " + std::string(key) + ": " + what);
  };
  fault_spec f;
  const auto dur = [&](std::string_view key, duration& out) {
    const auto it = fields.find(std::string(key));
    if (it == fields.end()) return;
    if (const auto d = parse_duration(it->second)) {
      out = *d;
    } else {
      fail(key, "'" + it->second + "' is not a duration (e.g. 500ms, 10s, 5m, 24h)");
    }
  };
  const auto num = [&]<class T>(std::string_view key, T& out, T lo, T hi) {
    const auto it = fields.find(std::string(key));
    if (it == fields.end()) return;
    const auto n = parse_number<T>(it->second);
    if (!n || *n < lo || *n > hi) {
      fail(key, "'" + it->second + "' is not a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    } else {
      out = *n;
    }
  };

  static constexpr std::array<std::string_view, 14> allowed{
      "at", "fault", "target", "venue", "connection", "symbol", "duration", "interval",
      "retry_after", "count", "status", "close_code", "size", "note"};
  for (const auto& [key, value] : fields) {
    bool ok = false;
    for (const auto a : allowed) ok = ok || a == key;
    if (!ok) fail(key, "unknown key; expected one of at, fault, target, venue, connection, symbol, duration, "
                       "interval, retry_after, count, status, close_code, size");
  }

  const auto kind_it = fields.find("fault");
  if (kind_it == fields.end()) {
    fail("fault", "missing; expected one of " + fault_names());
  } else if (const auto k = fault_from_name(kind_it->second)) {
    f.kind = *k;
  } else {
    fail("fault", "unknown fault '" + kind_it->second + "'; expected one of " + fault_names());
  }

  dur("at", f.at);
  dur("duration", f.length);
  dur("interval", f.interval);
  dur("retry_after", f.retry_after);
  num("count", f.count, std::uint32_t{1}, std::uint32_t{1'000'000});
  num("status", f.status, 500, 599);
  num("close_code", f.close_code, 1000, 4999);
  num("size", f.size, std::size_t{1}, std::size_t{1} << 30);

  if (const auto it = fields.find("target"); it != fields.end()) {
    const auto& t = it->second;
    if (t == "all" || t == "*") {
      // every venue, every connection
    } else if (known_venue(t)) {
      f.venue = t;
    } else if (const auto id = parse_number<std::uint64_t>(t)) {
      f.connection = *id;
    } else {
      fail("target", "'" + t + "' is neither 'all', a venue (" + word_list(dialect_names()) + ") nor a connection id");
    }
  }
  if (const auto it = fields.find("venue"); it != fields.end()) {
    if (known_venue(it->second)) {
      f.venue = it->second;
    } else {
      fail("venue", "unknown venue '" + it->second + "'; expected " + word_list(dialect_names(), " or "));
    }
  }
  if (const auto it = fields.find("connection"); it != fields.end()) {
    if (const auto id = parse_number<std::uint64_t>(it->second)) {
      f.connection = *id;
    } else {
      fail("connection", "'" + it->second + "' is not a connection id");
    }
  }
  if (const auto it = fields.find("symbol"); it != fields.end()) f.symbol = it->second;

  if (errors.size() == errors_before) {
    const bool timed = f.kind == fault_kind::half_open || f.kind == fault_kind::stall ||
                       f.kind == fault_kind::slow_drip || f.kind == fault_kind::rest_error ||
                       f.kind == fault_kind::rest_429 || f.kind == fault_kind::refuse_connections;
    if (timed && f.length.count() <= 0) fail("duration", "required and > 0 for fault " + std::string(name_of(f.kind)));
    if (f.kind == fault_kind::bad_checksum && !f.venue.empty() && !dialect_of(f.venue).has_book_checksums())
      fail("venue", "bad_checksum applies to " +
                        word_list(venues_that([](const dialect& d) { return d.has_book_checksums(); })) + " only");
    if (f.kind == fault_kind::sequence_reset && (f.venue.empty() || !dialect_of(f.venue).restarts_sequences())) {
      const auto venues = venues_that([](const dialect& d) { return d.restarts_sequences(); });
      const auto example = venues.empty() ? std::string("none") : venues.front();
      fail("venue", "sequence_reset applies to " + word_list(venues) + " only; say venue: " + example +
                        " (or target: " + example + ")");
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return f;
}

std::string describe(const fault_spec& f) {
  std::string out = R"({"fault":")" + std::string(name_of(f.kind)) + "\"";
  out += R"(,"venue":")" + (f.venue.empty() ? std::string("all") : f.venue) + "\"";
  if (f.connection) out += R"(,"connection":)" + std::to_string(*f.connection);
  if (!f.symbol.empty()) out += R"(,"symbol":")" + f.symbol + "\"";
  if (f.length.count() > 0) out += R"(,"duration":")" + format_duration(f.length) + "\"";
  switch (f.kind) {
    case fault_kind::sequence_gap:
    case fault_kind::bad_checksum:
    case fault_kind::garbage:
    case fault_kind::malformed_json: out += R"(,"count":)" + std::to_string(f.count); break;
    case fault_kind::rest_error: out += R"(,"status":)" + std::to_string(f.status); break;
    case fault_kind::rest_429: out += R"(,"retry_after":")" + format_duration(f.retry_after) + "\""; break;
    case fault_kind::close: out += R"(,"close_code":)" + std::to_string(f.close_code); break;
    case fault_kind::oversized: out += R"(,"size":)" + std::to_string(f.size); break;
    case fault_kind::slow_drip: out += R"(,"interval":")" + format_duration(f.interval) + "\""; break;
    default: break;
  }
  out += '}';
  return out;
}

}  // namespace sf::sim
