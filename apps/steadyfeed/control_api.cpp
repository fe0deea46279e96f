#include "control_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <optional>
#include <stdexcept>

#include "dashboard_page.hpp"
#include "log_line.hpp"

namespace sf::daemon {

namespace json = boost::json;

namespace {

http_response json_answer(const json::value& v, int status = 200) {
  return {.status = status, .content_type = "application/json", .body = json::serialize(v) + "\n", .headers = {}};
}

http_response method_not_allowed(std::string_view method, std::string_view path, std::string allow) {
  auto r = json_error(405, fmt::format("{} is not allowed on {}; use {}", method, path, allow));
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

json::value time_or_null(wall_us t) {
  if (t == 0) return nullptr;
  return json::value(utc_text(t));
}

double seconds_of(duration d) { return std::chrono::duration<double>(d).count(); }

std::string last_error_of(const supervisor_stats& c) {
  for (auto it = c.events.rbegin(); it != c.events.rend(); ++it)
    if (it->level >= severity::warning &&
        (it->kind == event_kind::error || it->kind == event_kind::reconnect_failed ||
         it->kind == event_kind::heartbeat_timeout || it->kind == event_kind::disconnected ||
         it->kind == event_kind::subscription_failed))
      return it->reason;
  return {};
}

json::object event_json(std::string_view connection, const event& e) {
  json::object o;
  o["time"] = utc_text(e.time);
  o["time_us"] = e.time;
  o["connection"] = connection;
  o["kind"] = to_string(e.kind);
  o["severity"] = to_string(e.level);
  o["reason"] = e.reason;
  if (e.latency.count() != 0) o["latency_seconds"] = seconds_of(e.latency);
  if (e.attempt != 0) o["attempt"] = e.attempt;
  return o;
}

json::object connection_json(const feed_stats& f, const supervisor_stats& c) {
  json::object o;
  o["id"] = c.name;
  o["url"] = c.url;
  o["status"] = to_string(c.state);
  o["last_connected"] = time_or_null(c.last_connected);
  o["connected_since"] = time_or_null(c.connected_since);
  o["reconnect_attempts"] = c.counters.reconnect_attempts;
  o["reconnect_successes"] = c.counters.reconnect_successes;
  o["reconnect_failures"] = c.counters.reconnect_failures;
  o["consecutive_failures"] = c.consecutive_failures;
  o["total_uptime"] = seconds_of(c.quality.live_total);
  o["uptime_percent"] = c.quality.uptime_percent;
  o["last_reconnect"] = time_or_null(c.last_reconnect);
  o["last_reconnect_latency"] = seconds_of(c.last_reconnect_latency);
  o["venue"] = c.venue;
  o["feed"] = f.id;
  json::array subs;
  for (const auto& t : c.topics) subs.emplace_back(t.topic);
  o["subscriptions"] = std::move(subs);
  o["quality_score"] = c.quality.score;
  o["rotations"] = c.counters.rotations;
  o["rotating"] = c.rotating;
  o["messages"] = c.counters.messages;
  o["messages_per_second"] = c.quality.messages_per_second;
  o["rtt_avg_seconds"] = seconds_of(c.quality.rtt_avg);
  o["rtt_p99_seconds"] = seconds_of(c.quality.rtt_p99);
  o["duplicates_dropped"] = c.counters.duplicates_dropped;
  o["connects"] = c.counters.connects;
  o["disconnects"] = c.counters.disconnects;
  o["total_downtime"] = seconds_of(c.quality.down_total);
  const auto err = last_error_of(c);
  o["last_error"] = err.empty() ? json::value(nullptr) : json::value(err);
  return o;
}

json::object feed_json(const feed_stats& f) {
  json::object o;
  o["id"] = f.id;
  o["venue"] = f.venue;
  o["healthy"] = f.healthy;
  json::array connections;
  for (const auto& c : f.connections) connections.emplace_back(c.name);
  o["connections"] = std::move(connections);
  json::array streams;
  for (const auto& s : f.streams)
    streams.emplace_back(json::object{{"channel", s.channel},
                                      {"symbol", s.symbol},
                                      {"records", s.records},
                                      {"gaps", s.gaps},
                                      {"last_received", time_or_null(s.last_received)}});
  o["streams"] = std::move(streams);
  o["trades"] = f.trades;
  o["books"] = f.books;
  o["gaps"] = f.gaps;
  o["backfilled"] = f.backfilled;
  o["resyncs"] = f.resyncs;
  o["duplicates_dropped"] = f.duplicates_dropped;
  o["rest_requests"] = f.rest_requests;
  o["rest_failures"] = f.rest_failures;
  return o;
}

// "2026-12-02T09:30:00Z", with an optional fraction, or microseconds since
// the epoch.
std::optional<wall_us> parse_time(std::string_view text) {
  wall_us us = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), us).ptr == text.data() + text.size() && !text.empty())
    return us;
  std::tm tm{};
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0, used = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec, &used) != 6)
    return std::nullopt;
  std::string_view rest = text.substr(static_cast<std::size_t>(used));
  std::int64_t fraction_us = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 6) fraction_us = fraction_us * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (int d = std::min(digits, 6); d < 6; ++d) fraction_us *= 10;
  }
  if (rest != "Z" && rest != "+00:00") return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return static_cast<wall_us>(timegm(&tm)) * 1'000'000 + fraction_us;
}

std::optional<std::size_t> parse_limit(std::string_view value) {
  std::size_t n = 0;
  if (value.empty() || std::from_chars(value.data(), value.data() + value.size(), n).ptr != value.data() + value.size() ||
      n == 0 || n > 10'000)
    return std::nullopt;
  return n;
}

std::optional<severity> parse_severity(std::string_view text) {
  for (const severity s : {severity::info, severity::notice, severity::warning, severity::critical})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

// {"symbols": [...], "channels": [...]}; the error message when malformed.
struct subscription_body {
  std::vector<std::string> symbols, channels;
};
std::variant<subscription_body, std::string> parse_subscription_body(std::string_view body) {
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  if (ec) return fmt::format("the body is not JSON: {}", ec.message());
  if (!v.is_object()) return std::string("the body must be a JSON object {\"symbols\": [...], \"channels\": [...]}");
  subscription_body out;
  for (const auto& [key, value] : v.as_object()) {
    std::vector<std::string>* list = key == "symbols" ? &out.symbols : key == "channels" ? &out.channels : nullptr;
    if (!list) return fmt::format("unknown key '{}' (expected symbols and channels)", std::string_view(key));
    if (!value.is_array()) return fmt::format("{} must be an array of strings", std::string_view(key));
    for (const auto& item : value.as_array()) {
      if (!item.is_string() || item.as_string().empty())
        return fmt::format("{} must be an array of non-empty strings", std::string_view(key));
      list->emplace_back(item.as_string());
    }
  }
  if (out.symbols.empty()) return std::string("symbols is missing or empty");
  return out;
}

}  // namespace

control_api::control_api(control_target& target, std::string token, std::function<std::string()> metrics,
                         const alert_manager* alerts)
    : target_(target), token_(std::move(token)), metrics_(std::move(metrics)), alerts_(alerts) {}

std::optional<http_response> control_api::refuse_unauthorized(const http_request& request) const {
  if (token_.empty()) return std::nullopt;
  constexpr std::string_view scheme = "Bearer ";
  if (request.authorization.size() <= scheme.size() || request.authorization.compare(0, scheme.size(), scheme) != 0) {
    auto r = json_error(401, "this call needs an Authorization: Bearer token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  const std::string_view given = std::string_view(request.authorization).substr(scheme.size());
  const bool same = given.size() == token_.size() && CRYPTO_memcmp(given.data(), token_.data(), token_.size()) == 0;
  if (!same) return json_error(403, "the bearer token is not the configured one");
  return std::nullopt;
}

http_response control_api::handle(const http_request& request) {
  auto parsed = boost::urls::parse_origin_form(request.target);
  if (!parsed) return json_error(400, fmt::format("malformed request target '{}'", request.target));
  const std::string path = parsed->path();  // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& param : parsed->params()) query.emplace_back(param.key, param.value);
  const bool get = request.method == "GET";

  if (path == "/") {
    if (!get) return method_not_allowed(request.method, path, "GET");
    // The page's script and style are inline; it may fetch only from here.
    return {.status = 200,
            .content_type = "text/html; charset=utf-8",
            .body = std::string(dashboard_page()),
            .headers = {{"Content-Security-Policy",
                         "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                         "connect-src 'self'; img-src 'self'"},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Cache-Control", "no-store"}}};
  }
  if (path == "/healthz") {
    if (!get) return method_not_allowed(request.method, path, "GET");
    return json_answer(json::object{{"status", "ok"}});
  }
  if (path == "/readyz") {
    if (!get) return method_not_allowed(request.method, path, "GET");
    return readyz();
  }
  if (path == "/metrics" && metrics_) {
    if (!get) return method_not_allowed(request.method, path, "GET");
    return {.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8", .body = metrics_(), .headers = {}};
  }
  constexpr std::string_view connections_prefix = "/api/v1/network/connections";
  constexpr std::string_view feeds_prefix = "/api/v1/feeds";
  const std::string_view p = path;
  if (p.starts_with(connections_prefix) &&
      (p.size() == connections_prefix.size() || p[connections_prefix.size()] == '/'))
    return connections(request, p.substr(connections_prefix.size()));
  if (p.starts_with(feeds_prefix) && (p.size() == feeds_prefix.size() || p[feeds_prefix.size()] == '/'))
    return feeds_route(request, p.substr(feeds_prefix.size()));
  if (p == "/api/v1/config/reload") {
    if (request.method != "POST") return method_not_allowed(request.method, path, "POST");
    if (auto refused = refuse_unauthorized(request)) return *refused;
    const auto result = target_.reload();
    json::array lines, not_applied;
    for (const auto& line : result.lines) lines.emplace_back(line);
    for (const auto& line : result.not_applied) not_applied.emplace_back(line);
    auto error = [](int status, std::string_view message) {
      return json::object{{"status", status}, {"message", message}};
    };
    if (!result.applied)
      return json_answer(json::object{{"error", error(422, "the configuration was refused; the running one stays")},
                                      {"problems", std::move(lines)}},
                         422);
    json::object answer{{"changes", std::move(lines)}, {"not_applied", std::move(not_applied)}};
    // A step that failed is the daemon's trouble, not the file's.
    if (!result.failed_steps) return json_answer(answer);
    answer["error"] = error(500, "the configuration was applied in part: see not_applied");
    return json_answer(answer, 500);
  }
  if (p == "/api/v1/events") {
    if (!get) return method_not_allowed(request.method, path, "GET");
    return events(query);
  }
  if (p == "/api/v1/alerts" && alerts_) {
    if (!get) return method_not_allowed(request.method, path, "GET");
    return alerts(query);
  }
  return json_error(404, fmt::format("no such endpoint: {}", path));
}

http_response control_api::readyz() {
  const auto feeds = target_.feeds();
  if (feeds.empty()) return json_answer(json::object{{"status", "starting"}, {"feeds_without_data", json::array{}}}, 503);
  json::array waiting;
  for (const auto& f : feeds)
    if (f.trades + f.books == 0) waiting.emplace_back(f.id);
  if (waiting.empty()) return json_answer(json::object{{"status", "ready"}});
  return json_answer(json::object{{"status", "waiting"}, {"feeds_without_data", std::move(waiting)}}, 503);
}

// `rest` is what follows /api/v1/network/connections: "", "/<feed>/<n>" or
// "/<feed>/<n>/reconnect".
http_response control_api::connections(const http_request& request, std::string_view rest) {
  const bool get = request.method == "GET";
  const auto all = target_.feeds();
  if (rest.empty() || rest == "/") {
    if (!get) return method_not_allowed(request.method, "/api/v1/network/connections", "GET");
    json::object keyed;
    for (const auto& f : all)
      for (const auto& c : f.connections) keyed[c.name] = connection_json(f, c);
    return json_answer(json::object{{"connections", std::move(keyed)}});
  }
  rest.remove_prefix(1);
  bool reconnect = false;
  if (rest.ends_with("/reconnect")) {
    reconnect = true;
    rest.remove_suffix(std::string_view("/reconnect").size());
  }
  const std::string id(rest);
  for (const auto& f : all)
    for (std::size_t i = 0; i < f.connections.size(); ++i) {
      if (f.connections[i].name != id) continue;
      if (!reconnect) {
        if (!get) return method_not_allowed(request.method, "/api/v1/network/connections/" + id, "GET");
        return json_answer(connection_json(f, f.connections[i]));
      }
      if (request.method != "POST")
        return method_not_allowed(request.method, "/api/v1/network/connections/" + id + "/reconnect", "POST");
      if (auto refused = refuse_unauthorized(request)) return *refused;
      if (!target_.reconnect(f.id, i, "reconnect requested through the API"))
        return json_error(404, fmt::format("no such connection: {}", id));
      return json_answer(json::object{{"connection", id}, {"reconnecting", true}}, 202);
    }
  return json_error(404, fmt::format("no such connection: {} (GET /api/v1/network/connections lists them)", id));
}

// `rest` is what follows /api/v1/feeds: "", "/<id>" or "/<id>/subscriptions".
http_response control_api::feeds_route(const http_request& request, std::string_view rest) {
  const bool get = request.method == "GET";
  const auto all = target_.feeds();
  if (rest.empty() || rest == "/") {
    if (!get) return method_not_allowed(request.method, "/api/v1/feeds", "GET");
    json::array out;
    for (const auto& f : all) out.emplace_back(feed_json(f));
    return json_answer(json::object{{"feeds", std::move(out)}});
  }
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  const std::string id(rest.substr(0, slash));
  const std::string_view tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  const auto it = std::find_if(all.begin(), all.end(), [&](const feed_stats& f) { return f.id == id; });
  if (tail.empty()) {
    if (it == all.end()) return json_error(404, fmt::format("no such feed: {}", id));
    if (!get) return method_not_allowed(request.method, "/api/v1/feeds/" + id, "GET");
    return json_answer(feed_json(*it));
  }
  if (tail != "/subscriptions") return json_error(404, fmt::format("no such endpoint: /api/v1/feeds/{}{}", id, tail));
  const bool add = request.method == "POST";
  if (!add && request.method != "DELETE")
    return method_not_allowed(request.method, "/api/v1/feeds/" + id + "/subscriptions", "POST, DELETE");
  if (auto refused = refuse_unauthorized(request)) return *refused;
  if (it == all.end()) return json_error(404, fmt::format("no such feed: {}", id));
  auto body = parse_subscription_body(request.body);
  if (auto* message = std::get_if<std::string>(&body)) return json_error(400, *message);
  auto& wanted = std::get<subscription_body>(body);
  if (wanted.channels.empty()) {
    // The feed's channels, as it carries them now.
    for (const auto& s : it->streams)
      if (std::find(wanted.channels.begin(), wanted.channels.end(), s.channel) == wanted.channels.end())
        wanted.channels.push_back(s.channel);
    if (wanted.channels.empty()) return json_error(400, "channels is missing, and the feed carries none to default to");
  }
  json::object answer{{"feed", id},
                      {"action", add ? "subscribe" : "unsubscribe"},
                      {"symbols", json::value_from(wanted.symbols)},
                      {"channels", json::value_from(wanted.channels)}};
  try {
    const bool found = add ? target_.subscribe(id, std::move(wanted.symbols), std::move(wanted.channels))
                           : target_.unsubscribe(id, std::move(wanted.symbols), std::move(wanted.channels));
    if (!found) return json_error(404, fmt::format("no such feed: {}", id));
  } catch (const std::invalid_argument& e) {
    return json_error(422, e.what());
  }
  return json_answer(answer, 202);
}

http_response control_api::alerts(const std::vector<std::pair<std::string, std::string>>& query) {
  alert_filter f;
  for (const auto& [key, value] : query) {
    if (key == "level") {
      f.least = parse_alert_level(value);
      if (!f.least) return json_error(400, fmt::format("level: expected info, warning or critical, got '{}'", value));
    } else if (key == "type") {
      f.type = parse_alert_type(value);
      if (!f.type) return json_error(400, fmt::format("type: no alert type '{}'", value));
    } else if (key == "subject") {
      f.subject = value;
    } else if (key == "since") {
      const auto t = parse_time(value);
      if (!t) return json_error(400, fmt::format("since: expected an RFC 3339 UTC time or microseconds, got '{}'", value));
      f.since = *t;
    } else if (key == "limit") {
      const auto n = parse_limit(value);
      if (!n) return json_error(400, fmt::format("limit: expected an integer from 1 to 10000, got '{}'", value));
      f.limit = *n;
    } else {
      return json_error(400, fmt::format("unknown parameter '{}' (expected level, type, subject, since, limit)", key));
    }
  }
  json::array out;
  for (const auto& a : alerts_->history(f)) out.emplace_back(to_json_object(a));
  return json_answer(json::object{{"alerts", std::move(out)}, {"raised", alerts_->raised()}});
}

http_response control_api::events(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string connection;
  severity least = severity::info;
  wall_us since = 0;
  std::size_t limit = 100;
  for (const auto& [key, value] : query) {
    if (key == "connection") {
      connection = value;
    } else if (key == "severity") {
      const auto s = parse_severity(value);
      if (!s) return json_error(400, fmt::format("severity: expected info, notice, warning or critical, got '{}'", value));
      least = *s;
    } else if (key == "since") {
      const auto t = parse_time(value);
      if (!t) return json_error(400, fmt::format("since: expected an RFC 3339 UTC time (2026-12-02T09:30:00Z) or "
                                                 "microseconds since the epoch, got '{}'",
                                                 value));
      since = *t;
    } else if (key == "limit") {
      const auto n = parse_limit(value);
      if (!n) return json_error(400, fmt::format("limit: expected an integer from 1 to 10000, got '{}'", value));
      limit = *n;
    } else {
      return json_error(400, fmt::format("unknown parameter '{}' (expected connection, severity, since, limit)", key));
    }
  }
  struct row {
    const std::string* connection;
    const event* e;
  };
  const auto all = target_.feeds();
  std::vector<row> rows;
  bool known = connection.empty();
  for (const auto& f : all)
    for (const auto& c : f.connections) {
      if (!connection.empty() && c.name != connection) continue;
      known = true;
      for (const auto& e : c.events)
        if (e.level >= least && e.time >= since) rows.push_back({&c.name, &e});
    }
  if (!known) return json_error(404, fmt::format("no such connection: {}", connection));
  std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) { return a.e->time < b.e->time; });
  // The newest `limit`, oldest first.
  const std::size_t skip = rows.size() > limit ? rows.size() - limit : 0;
  json::array out;
  for (std::size_t i = skip; i < rows.size(); ++i) out.emplace_back(event_json(*rows[i].connection, *rows[i].e));
  return json_answer(json::object{{"events", std::move(out)}, {"truncated", skip > 0}});
}

}  // namespace sf::daemon
