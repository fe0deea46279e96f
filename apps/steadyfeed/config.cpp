#include "config.hpp"

#include "steadyfeed/venue/venue_adapter.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace sf::daemon {
namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// Walks a YAML document collecting problems instead of stopping at the first.
class reader {
 public:
  std::vector<config_problem> problems;
  std::vector<config_problem> notes;  // changes made, to be said

  void problem(const YAML::Node& at, const std::string& key, std::string message) {
    const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    problems.push_back({line, key, std::move(message)});
  }

  // Reports keys of `map` not in `known`.
  bool check_map(const YAML::Node& map, const std::string& key, std::vector<std::string_view> known) {
    if (!map.IsMap()) {
      problem(map, key, "expected a mapping");
      return false;
    }
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        problem(kv.first, key.empty() ? "(key)" : key + ".(key)", "a key must be a plain name, not a list or mapping");
        continue;
      }
      const auto name = kv.first.Scalar();
      if (std::find(known.begin(), known.end(), name) == known.end())
        problem(kv.first, key.empty() ? name : key + "." + name,
                fmt::format("unknown key (known: {})", join(known)));
    }
    return true;
  }

  std::string scalar(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      problem(n, key, "expected a single value");
      return {};
    }
    return n.Scalar();
  }

  void read_string(const YAML::Node& parent, std::string_view name, const std::string& key,
                   std::string& out) {
    if (auto n = parent[std::string(name)]; n) out = scalar(n, key);
  }

  void read_duration(const YAML::Node& parent, std::string_view name, const std::string& key,
                     duration& out, bool allow_zero = false) {
    auto n = parent[std::string(name)];
    if (!n) return;
    const std::string text = scalar(n, key);
    auto d = parse_duration(text);
    if (!d || (!allow_zero && d->count() == 0)) {
      problem(n, key,
              fmt::format("expected a duration like 500ms, 30s, 5m or 24h{}, got '{}'",
                          allow_zero ? " (0 disables)" : "", text));
      return;
    }
    out = *d;
  }

  template <typename Int>
  void read_int(const YAML::Node& parent, std::string_view name, const std::string& key, Int& out,
                long long lo, long long hi) {
    auto n = parent[std::string(name)];
    if (!n) return;
    const std::string text = scalar(n, key);
    long long v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < lo || v > hi) {
      problem(n, key, fmt::format("expected an integer from {} to {}, got '{}'", lo, hi, text));
      return;
    }
    out = static_cast<Int>(v);
  }

  void read_double(const YAML::Node& parent, std::string_view name, const std::string& key, double& out,
                   double lo, double hi) {
    auto n = parent[std::string(name)];
    if (!n) return;
    const std::string text = scalar(n, key);
    double v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < lo || v > hi) {
      problem(n, key, fmt::format("expected a number from {} to {}, got '{}'", lo, hi, text));
      return;
    }
    out = v;
  }

  void read_bool(const YAML::Node& parent, std::string_view name, const std::string& key, bool& out) {
    auto n = parent[std::string(name)];
    if (!n) return;
    const std::string text = scalar(n, key);
    if (text == "true" || text == "yes" || text == "on") {
      out = true;
    } else if (text == "false" || text == "no" || text == "off") {
      out = false;
    } else {
      problem(n, key, fmt::format("expected true or false, got '{}'", text));
    }
  }

  std::vector<std::string> read_list(const YAML::Node& parent, std::string_view name, const std::string& key) {
    std::vector<std::string> out;
    auto n = parent[std::string(name)];
    if (!n) return out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) {
      problem(n, key, "expected a list");
      return out;
    }
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(scalar(n[i], fmt::format("{}[{}]", key, i)));
    return out;
  }

  void supervisor(const YAML::Node& n, daemon_config& c) {
    if (!check_map(n, "supervisor",
                   {"profile", "backoff", "connect_timeout", "idle_timeout", "rotation_margin",
                    "overlap_timeout", "ack_timeout", "stale_min", "stale_max", "stale_factor",
                    "ws_ping_interval", "app_ping_interval", "pong_timeout", "journal_capacity", "lifetime"}))
      return;
    if (auto p = n["profile"]; p) {
      const std::string name = scalar(p, "supervisor.profile");
      auto profile = supervisor_config::profile(name);
      if (!profile) {
        problem(p, "supervisor.profile",
                fmt::format("unknown profile '{}' (known: {})", name, join(supervisor_config::profile_names())));
      } else {
        c.profile = name;
        c.supervisor = *profile;
      }
    }
    auto& s = c.supervisor;
    read_duration(n, "connect_timeout", "supervisor.connect_timeout", s.connect_timeout);
    read_duration(n, "idle_timeout", "supervisor.idle_timeout", s.idle_timeout, true);
    read_duration(n, "rotation_margin", "supervisor.rotation_margin", s.rotation_margin, true);
    read_duration(n, "overlap_timeout", "supervisor.overlap_timeout", s.overlap_timeout);
    read_duration(n, "ack_timeout", "supervisor.ack_timeout", s.ack_timeout);
    read_duration(n, "stale_min", "supervisor.stale_min", s.stale_min);
    read_duration(n, "stale_max", "supervisor.stale_max", s.stale_max);
    read_double(n, "stale_factor", "supervisor.stale_factor", s.stale_factor, 1, 10'000);
    read_int(n, "journal_capacity", "supervisor.journal_capacity", s.journal_capacity, 1, 100'000);
    auto optional_duration = [&](std::string_view name, std::optional<duration>& out, bool allow_zero) {
      if (!n[std::string(name)]) return;
      duration d{};
      const auto before = problems.size();
      read_duration(n, name, "supervisor." + std::string(name), d, allow_zero);
      if (problems.size() == before) out = d;
    };
    optional_duration("ws_ping_interval", s.ws_ping_interval, true);
    optional_duration("app_ping_interval", s.app_ping_interval, true);
    optional_duration("pong_timeout", s.pong_timeout, false);
    optional_duration("lifetime", s.lifetime, false);
    if (auto b = n["backoff"]; b) {
      if (check_map(b, "supervisor.backoff",
                    {"initial", "max", "multiplier", "jitter", "jitter_mode", "max_attempts", "reset_after"})) {
        auto& p = s.backoff;
        read_duration(b, "initial", "supervisor.backoff.initial", p.initial);
        read_duration(b, "max", "supervisor.backoff.max", p.max);
        read_double(b, "multiplier", "supervisor.backoff.multiplier", p.multiplier, 1, 100);
        read_double(b, "jitter", "supervisor.backoff.jitter", p.jitter_fraction, 0, 1);
        read_int(b, "max_attempts", "supervisor.backoff.max_attempts", p.max_attempts, -1, 1'000'000);
        read_duration(b, "reset_after", "supervisor.backoff.reset_after", p.reset_after);
        if (auto m = b["jitter_mode"]; m) {
          const std::string mode = scalar(m, "supervisor.backoff.jitter_mode");
          if (mode == "none") p.jitter = jitter_mode::none;
          else if (mode == "proportional") p.jitter = jitter_mode::proportional;
          else if (mode == "full") p.jitter = jitter_mode::full;
          else problem(m, "supervisor.backoff.jitter_mode",
                       fmt::format("expected none, proportional or full, got '{}'", mode));
        }
      }
    }
    for (const auto& why : s.validate()) problem(n, "supervisor", why);
  }

  void feeds(const YAML::Node& n, daemon_config& c) {
    if (!n.IsSequence()) {
      problem(n, "feeds", "expected a list of feeds");
      return;
    }
    std::map<std::string, int> venue_count;
    std::set<std::string> ids;
    std::map<std::pair<std::string, std::string>, std::string> stream_owner;  // (venue, symbol) → feed key
    if (n.size() == 0) problem(n, "feeds", "at least one feed is required: an empty list records nothing");
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string key = fmt::format("feeds[{}]", i);
      const YAML::Node f = n[i];
      if (!check_map(f, key, {"id", "venue", "symbols", "channels", "redundancy", "endpoints", "lifetime",
                              "rotation_margin"}))
        continue;
      feed_config feed;
      // The supervisor settings, with this feed's own lifetime rules: a venue
      // whose connections live otherwise than the built-in rule says is
      // rotated before its cut, not only cut.
      feed.supervisor = c.supervisor;
      if (f["lifetime"]) {
        duration d{};
        const auto before = problems.size();
        read_duration(f, "lifetime", key + ".lifetime", d);
        if (problems.size() == before) feed.supervisor.lifetime = d;
      }
      read_duration(f, "rotation_margin", key + ".rotation_margin", feed.supervisor.rotation_margin, true);
      read_string(f, "venue", key + ".venue", feed.venue);
      if (feed.venue.empty()) {
        problem(f, key + ".venue", "required");
      } else if (std::find(known_venues().begin(), known_venues().end(), feed.venue) == known_venues().end()) {
        problem(f["venue"], key + ".venue",
                fmt::format("unknown venue '{}' (known: {})", feed.venue, join(known_venues())));
      }
      feed.symbols = read_list(f, "symbols", key + ".symbols");
      if (feed.symbols.empty()) problem(f, key + ".symbols", "at least one symbol is required");
      feed.channels = read_list(f, "channels", key + ".channels");
      if (feed.channels.empty()) feed.channels = {"trades", "book"};
      for (std::size_t j = 0; j < feed.channels.size(); ++j)
        if (feed.channels[j] != "trades" && feed.channels[j] != "book")
          problem(f["channels"], fmt::format("{}.channels[{}]", key, j),
                  fmt::format("unknown channel '{}' (known: trades, book)", feed.channels[j]));
      // Each symbol in the venue's own spelling: a wrong one would subscribe
      // to nothing, silently.
      const auto adapter = feed.venue.empty() ? nullptr : make_venue_adapter(feed.venue);
      for (std::size_t j = 0; j < feed.symbols.size(); ++j) {
        const std::string item = fmt::format("{}.symbols[{}]", key, j);
        const YAML::Node list = f["symbols"];
        const YAML::Node at = list.IsSequence() ? list[j] : list;  // a lone symbol may be a plain scalar
        if (!adapter) {  // an unknown venue, reported above
          if (feed.symbols[j].empty()) problem(at, item, "an empty symbol");
          continue;
        }
        const auto spelt = adapter->spell_symbol(feed.symbols[j]);
        if (!spelt.ok()) {
          problem(at, item, spelt.problem);
        } else if (spelt.symbol != feed.symbols[j]) {
          const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
          notes.push_back({line, item, fmt::format("'{}' is spelt {} on {}", feed.symbols[j], spelt.symbol, feed.venue)});
          feed.symbols[j] = spelt.symbol;
        }
      }
      for (std::size_t j = 0; j < feed.symbols.size(); ++j)
        for (std::size_t k = 0; k < j; ++k)
          if (feed.symbols[j] == feed.symbols[k])
            problem(f["symbols"], fmt::format("{}.symbols[{}]", key, j),
                    fmt::format("'{}' is listed twice (also {}.symbols[{}]): remove one", feed.symbols[j], key, k));
      for (std::size_t j = 0; j < feed.channels.size(); ++j)
        for (std::size_t k = 0; k < j; ++k)
          if (feed.channels[j] == feed.channels[k])
            problem(f["channels"], fmt::format("{}.channels[{}]", key, j),
                    fmt::format("'{}' is listed twice: remove one", feed.channels[j]));
      if (!feed.venue.empty())
        for (std::size_t j = 0; j < feed.symbols.size(); ++j) {
          auto [it, fresh] = stream_owner.emplace(std::pair{feed.venue, feed.symbols[j]}, key);
          if (!fresh && it->second != key)
            problem(f["symbols"], fmt::format("{}.symbols[{}]", key, j),
                    fmt::format("{} {} is already recorded by {}: two feeds would write every record twice to the "
                                "same files; list it in one feed (use redundancy for more connections)",
                                feed.venue, feed.symbols[j], it->second));
        }
      read_int(f, "redundancy", key + ".redundancy", feed.redundancy, 1, 8);
      if (auto e = f["endpoints"]; e) {
        if (check_map(e, key + ".endpoints", {"ws", "rest"})) {
          read_string(e, "ws", key + ".endpoints.ws", feed.ws_url);
          read_string(e, "rest", key + ".endpoints.rest", feed.rest_url);
          if (!feed.ws_url.empty() && feed.ws_url.rfind("ws://", 0) != 0 && feed.ws_url.rfind("wss://", 0) != 0)
            problem(e["ws"], key + ".endpoints.ws", fmt::format("'{}' is not a ws:// or wss:// URL", feed.ws_url));
          if (!feed.rest_url.empty() && feed.rest_url.rfind("http://", 0) != 0 &&
              feed.rest_url.rfind("https://", 0) != 0)
            problem(e["rest"], key + ".endpoints.rest",
                    fmt::format("'{}' is not an http:// or https:// URL", feed.rest_url));
        }
      }
      read_string(f, "id", key + ".id", feed.id);
      if (feed.id.empty() && !feed.venue.empty()) {
        const int k = venue_count[feed.venue]++;
        feed.id = k == 0 ? feed.venue : fmt::format("{}-{}", feed.venue, k + 1);
      }
      if (!feed.id.empty() && !ids.insert(feed.id).second)
        problem(f, key + ".id", fmt::format("feed id '{}' is used twice", feed.id));
      c.feeds.push_back(std::move(feed));
    }
  }

  void sinks(const YAML::Node& n, daemon_config& c) {
    if (!check_map(n, "sinks", {"files", "stdout"})) return;
    if (auto f = n["files"]; f && check_map(f, "sinks.files", {"enabled", "dir", "flush_interval", "compression_level", "fsync"})) {
      read_bool(f, "enabled", "sinks.files.enabled", c.files.enabled);
      read_string(f, "dir", "sinks.files.dir", c.files.dir);
      read_duration(f, "flush_interval", "sinks.files.flush_interval", c.files.flush_interval);
      read_int(f, "compression_level", "sinks.files.compression_level", c.files.compression_level, 1, 19);
      read_bool(f, "fsync", "sinks.files.fsync", c.files.fsync);
      if (c.files.enabled && c.files.dir.empty()) problem(f, "sinks.files.dir", "required");
    }
    if (auto s = n["stdout"]; s && check_map(s, "sinks.stdout", {"enabled"}))
      read_bool(s, "enabled", "sinks.stdout.enabled", c.stdout_sink.enabled);
  }

  void api(const YAML::Node& n, daemon_config& c) {
    if (!check_map(n, "api", {"enabled", "listen", "token"})) return;
    read_bool(n, "enabled", "api.enabled", c.api.enabled);
    read_string(n, "listen", "api.listen", c.api.listen);
    read_string(n, "token", "api.token", c.api.token);
    const auto colon = c.api.listen.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        std::from_chars(c.api.listen.data() + colon + 1, c.api.listen.data() + c.api.listen.size(), port).ec !=
            std::errc{} ||
        port < 0 || port > 65535)
      problem(n["listen"] ? n["listen"] : n, "api.listen",
              fmt::format("expected HOST:PORT, got '{}'", c.api.listen));
  }
};

std::string format_problems(std::string_view source, const std::vector<config_problem>& problems) {
  std::string out = fmt::format("{}: {} problem{}:", source, problems.size(), problems.size() == 1 ? "" : "s");
  for (const auto& p : problems) {
    out += "\n  ";
    out += p.line > 0 ? fmt::format("{}:{}: ", source, p.line) : fmt::format("{}: ", source);
    if (!p.key.empty()) out += p.key + ": ";
    out += p.message;
  }
  return out;
}

}  // namespace

config_error::config_error(std::string source, std::vector<config_problem> problems)
    : std::runtime_error(format_problems(source, problems)), problems_(std::move(problems)) {}

const std::vector<std::string_view>& known_venues() {
  static const std::vector<std::string_view> venues(sf::known_venues().begin(), sf::known_venues().end());
  return venues;
}

std::optional<duration> parse_duration(std::string_view text) {
  if (text == "0") return duration{0};
  if (text.empty()) return std::nullopt;
  duration total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t v = 0;
    const auto r = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (r.ec != std::errc{} || v < 0) return std::nullopt;
    i = static_cast<std::size_t>(r.ptr - text.data());
    std::size_t j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view unit = text.substr(i, j - i);
    duration one;
    if (unit == "ms") one = milliseconds{1};
    else if (unit == "s") one = seconds{1};
    else if (unit == "m") one = minutes{1};
    else if (unit == "h") one = hours{1};
    else if (unit == "us") one = microseconds{1};
    else return std::nullopt;
    // Beyond what a duration holds (about 292 years): refused, never wrapped.
    if (v > (std::numeric_limits<duration::rep>::max() - total.count()) / one.count()) return std::nullopt;
    total += one * v;
    i = j;
  }
  return total;
}

std::string format_duration(duration d) {
  using namespace std::chrono;
  if (d.count() == 0) return "0";
  if (d % hours{1} == duration{0}) return fmt::format("{}h", duration_cast<hours>(d).count());
  if (d % minutes{1} == duration{0}) return fmt::format("{}m", duration_cast<minutes>(d).count());
  if (d % seconds{1} == duration{0}) return fmt::format("{}s", duration_cast<seconds>(d).count());
  if (d % milliseconds{1} == duration{0}) return fmt::format("{}ms", duration_cast<milliseconds>(d).count());
  return fmt::format("{}us", duration_cast<microseconds>(d).count());
}

daemon_config parse_config(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw config_error(std::string(source),
                       {{e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "not valid YAML: " + e.msg}});
  }
  daemon_config c;
  reader r;
  if (!root || root.IsNull()) {
    r.problems.push_back({0, "", "the file is empty: at least one feed is required"});
    throw config_error(std::string(source), r.problems);
  }
  // Any YAML shape the reader did not foresee is a problem with a line, never
  // an abort.
  try {
    if (r.check_map(root, "", {"workers", "supervisor", "feeds", "sinks", "api"})) {
      r.read_int(root, "workers", "workers", c.workers, 1, 256);
      if (auto s = root["supervisor"]; s) r.supervisor(s, c);
      if (auto f = root["feeds"]; f) r.feeds(f, c);
      else r.problem(root, "feeds", "required: at least one feed");
      if (auto s = root["sinks"]; s) r.sinks(s, c);
      if (auto a = root["api"]; a) r.api(a, c);
      if (!c.files.enabled && !c.stdout_sink.enabled)
        r.problem(root, "sinks", "no sink is enabled: records would go nowhere");
    }
  } catch (const YAML::Exception& e) {
    r.problems.push_back({e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "unexpected YAML: " + e.msg});
  }
  if (!r.problems.empty()) throw config_error(std::string(source), std::move(r.problems));
  for (const auto& n : r.notes)
    c.notes.push_back(n.line > 0 ? fmt::format("{}:{}: {}: {}", source, n.line, n.key, n.message)
                                 : fmt::format("{}: {}: {}", source, n.key, n.message));
  return c;
}

daemon_config load_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw config_error(file.string(), {{0, "", "cannot be read"}});
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file.string());
}

std::string to_yaml(const daemon_config& c) {
  YAML::Emitter out;
  const auto& s = c.supervisor;
  out << YAML::BeginMap;
  if (c.workers != 0) out << YAML::Key << "workers" << YAML::Value << c.workers;
  out << YAML::Key << "supervisor" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "profile" << YAML::Value << c.profile;
  out << YAML::Key << "connect_timeout" << YAML::Value << format_duration(s.connect_timeout);
  out << YAML::Key << "idle_timeout" << YAML::Value << format_duration(s.idle_timeout);
  out << YAML::Key << "rotation_margin" << YAML::Value << format_duration(s.rotation_margin);
  if (s.lifetime) out << YAML::Key << "lifetime" << YAML::Value << format_duration(*s.lifetime);
  out << YAML::Key << "overlap_timeout" << YAML::Value << format_duration(s.overlap_timeout);
  out << YAML::Key << "ack_timeout" << YAML::Value << format_duration(s.ack_timeout);
  out << YAML::Key << "stale_min" << YAML::Value << format_duration(s.stale_min);
  out << YAML::Key << "stale_max" << YAML::Value << format_duration(s.stale_max);
  out << YAML::Key << "stale_factor" << YAML::Value << s.stale_factor;
  out << YAML::Key << "journal_capacity" << YAML::Value << s.journal_capacity;
  out << YAML::Key << "backoff" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "initial" << YAML::Value << format_duration(s.backoff.initial);
  out << YAML::Key << "max" << YAML::Value << format_duration(s.backoff.max);
  out << YAML::Key << "multiplier" << YAML::Value << s.backoff.multiplier;
  out << YAML::Key << "jitter" << YAML::Value << s.backoff.jitter_fraction;
  out << YAML::Key << "jitter_mode" << YAML::Value
      << (s.backoff.jitter == jitter_mode::none ? "none"
          : s.backoff.jitter == jitter_mode::full ? "full" : "proportional");
  out << YAML::Key << "max_attempts" << YAML::Value << s.backoff.max_attempts;
  out << YAML::Key << "reset_after" << YAML::Value << format_duration(s.backoff.reset_after);
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "feeds" << YAML::Value << YAML::BeginSeq;
  for (const auto& f : c.feeds) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << f.id;
    out << YAML::Key << "venue" << YAML::Value << f.venue;
    out << YAML::Key << "symbols" << YAML::Value << YAML::Flow << f.symbols;
    out << YAML::Key << "channels" << YAML::Value << YAML::Flow << f.channels;
    out << YAML::Key << "redundancy" << YAML::Value << f.redundancy;
    if (f.supervisor.lifetime) out << YAML::Key << "lifetime" << YAML::Value << format_duration(*f.supervisor.lifetime);
    out << YAML::Key << "rotation_margin" << YAML::Value << format_duration(f.supervisor.rotation_margin);
    out << YAML::Key << "endpoints" << YAML::Value << YAML::BeginMap;
    // Resolved: the venue's production endpoints unless the file names others.
    const auto adapter = make_venue_adapter(f.venue, {f.ws_url, f.rest_url});
    out << YAML::Key << "ws" << YAML::Value << (adapter ? adapter->ws_url() : f.ws_url);
    out << YAML::Key << "rest" << YAML::Value << (adapter ? adapter->rest_url() : f.rest_url);
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "sinks" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "files" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.files.enabled;
  out << YAML::Key << "dir" << YAML::Value << c.files.dir;
  out << YAML::Key << "flush_interval" << YAML::Value << format_duration(c.files.flush_interval);
  out << YAML::Key << "compression_level" << YAML::Value << c.files.compression_level;
  out << YAML::Key << "fsync" << YAML::Value << c.files.fsync;
  out << YAML::EndMap;
  out << YAML::Key << "stdout" << YAML::Value << YAML::BeginMap << YAML::Key << "enabled" << YAML::Value
      << c.stdout_sink.enabled << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "api" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.api.enabled;
  out << YAML::Key << "listen" << YAML::Value << c.api.listen;
  out << YAML::Key << "token" << YAML::Value << (c.api.token.empty() ? "" : "(set)");
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace sf::daemon
