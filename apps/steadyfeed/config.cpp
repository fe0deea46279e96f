#include "config.hpp"

#include "config_key.hpp"

#include "steadyfeed/venue/venue_adapter.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <span>
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

  // The value of `key` at node `n` (under `parent`), shown as `shown`; nullopt
  // once what is wrong with it has been said.
  std::optional<config_value> value_of(const config_key& key, const YAML::Node& parent,
                                       const YAML::Node& n, const std::string& shown) {
    if (key.type == key_type::list) return list_of(key, parent, n, shown);
    if (!n.IsScalar()) {
      problem(n, shown, "expected a single value");
      return std::nullopt;
    }
    const std::string text = n.Scalar();
    if (text.empty() && !key.required.empty()) {
      problem(parent, shown, std::string(key.required));
      return std::nullopt;
    }
    switch (key.type) {
      case key_type::duration: {
        const auto d = parse_duration(text);
        if (!d || (!key.zero_disables && d->count() == 0)) {
          problem(n, shown,
                  fmt::format("expected a duration like 500ms, 30s, 5m or 24h{}, got '{}'",
                              key.zero_disables ? " (0 disables)" : "", text));
          return std::nullopt;
        }
        return *d;
      }
      case key_type::integer: {
        std::int64_t v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < key.min ||
            v > key.max) {
          problem(
              n, shown,
              fmt::format("expected an integer from {} to {}, got '{}'", key.min, key.max, text));
          return std::nullopt;
        }
        return v;
      }
      case key_type::number: {
        double v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc{} || r.ptr != text.data() + text.size() ||
            !(v >= key.low && v <= key.high)) {
          problem(
              n, shown,
              fmt::format("expected a number from {} to {}, got '{}'", key.low, key.high, text));
          return std::nullopt;
        }
        return v;
      }
      case key_type::boolean:
        if (text == "true" || text == "yes" || text == "on") return true;
        if (text == "false" || text == "no" || text == "off") return false;
        problem(n, shown, fmt::format("expected true or false, got '{}'", text));
        return std::nullopt;
      case key_type::choice:
        if (!is_choice(key, text)) {
          problem(n, shown, not_a_choice(key, text));
          return std::nullopt;
        }
        return text;
      case key_type::string:
      case key_type::list:
        break;
    }
    return text;
  }

  // A list, or a lone value standing for a list of one. Every item is kept,
  // even one reported, so that the checks after (listed twice ...) still run.
  std::vector<std::string> list_of(const config_key& key, const YAML::Node& parent,
                                   const YAML::Node& n, const std::string& shown) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (!n.IsSequence()) {
      problem(n, shown, "expected a list");
      return out;
    } else {
      for (std::size_t i = 0; i < n.size(); ++i)
        out.push_back(scalar(n[i], fmt::format("{}[{}]", shown, i)));
    }
    if (out.empty() && !key.required.empty()) problem(parent, shown, std::string(key.required));
    if (!key.choices.empty())
      for (std::size_t i = 0; i < out.size(); ++i)
        if (!is_choice(key, out[i]))
          problem(n.IsSequence() ? n[i] : n, fmt::format("{}[{}]", shown, i),
                  not_a_choice(key, out[i]));
    return out;
  }

  static bool is_choice(const config_key& key, const std::string& text) {
    return std::find(key.choices.begin(), key.choices.end(), text) != key.choices.end();
  }

  static std::string not_a_choice(const config_key& key, const std::string& text) {
    std::vector<std::string_view> names(key.choices.begin(), key.choices.end());
    if (!key.noun.empty())
      return fmt::format("unknown {} '{}' (known: {})", key.noun, text, join(names));
    std::string expected;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) expected += i + 1 == names.size() ? " or " : ", ";
      expected += names[i];
    }
    return fmt::format("expected {}, got '{}'", expected, text);
  }

  // Reads one key of the mapping `parent`: by its type, then its own check.
  void read_key(const config_key& key, const YAML::Node& parent, const std::string& shown,
                daemon_config& c, feed_config& f) {
    const YAML::Node n = parent[std::string(key.name())];
    if (!n) {
      if (!key.required.empty()) problem(parent, shown, std::string(key.required));
      return;
    }
    auto value = value_of(key, parent, n, shown);
    if (!value) return;
    if (key.check)
      if (auto why = key.check(*value); !why.empty()) {
        problem(n, shown, std::move(why));
        return;
      }
    key.set(c, f, *value);
  }

  // Reads the mapping at table section `section` (shown as `shown`): its
  // keys and subsections in the table's order, each subsection's rules that
  // tie its keys together once its keys are read.
  bool read_section(const YAML::Node& n, std::string_view section, const std::string& shown,
                    daemon_config& c, feed_config& f) {
    if (!check_map(n, shown, section_names(section))) return false;
    for (const auto name : section_names(section)) {
      const std::string path =
          section.empty() ? std::string(name) : fmt::format("{}.{}", section, name);
      const std::string item =
          shown.empty() ? std::string(name) : fmt::format("{}.{}", shown, name);
      if (const auto* key = find_config_key(path)) {
        read_key(*key, n, item, c, f);
        continue;
      }
      const YAML::Node sub = n[std::string(name)];
      if (!section_names(path + "[]").empty()) {  // a list of mappings: the feeds
        if (sub)
          feeds(sub, c);
        else
          problem(n, item, "required: at least one feed");
      } else if (sub && read_section(sub, path, item, c, f)) {
        section_read(path, sub, c);
      }
    }
    return true;
  }

  void section_read(std::string_view path, const YAML::Node& n, daemon_config& c) {
    if (path == "supervisor")
      for (const auto& why : c.supervisor.validate()) problem(n, "supervisor", why);
    if (path == "sinks.files" && c.files.enabled && c.files.dir.empty())
      problem(n, "sinks.files.dir", "required");
    if (path == "api") api_read(n, c.api);
    if (path == "sinks.nats") nats_read(n, c.nats);
  }

  // Secrets may come from the environment; one way to log in; files in pairs.
  void nats_read(const YAML::Node& n, nats_sink_settings& nats) {
    auto from_env = [&](std::string& value, const std::string& env, std::string_view key, std::string_view env_key) {
      if (env.empty()) return;
      if (!value.empty()) {
        problem(n, fmt::format("sinks.nats.{}", env_key), fmt::format("set sinks.nats.{} or sinks.nats.{}, not both", key, env_key));
        return;
      }
      const char* v = std::getenv(env.c_str());
      if (!v || !*v)
        problem(n, fmt::format("sinks.nats.{}", env_key), fmt::format("the environment variable {} is not set or empty", env));
      else
        value = v;
    };
    from_env(nats.token, nats.token_env, "token", "token_env");
    from_env(nats.password, nats.password_env, "password", "password_env");
    const int ways = !nats.token.empty() + !nats.user.empty() + !nats.nkey_seed_file.empty() + !nats.creds_file.empty();
    if (ways > 1)
      problem(n, "sinks.nats", "log in one way: token, user (with password), nkey (with nkey_seed_file) or creds_file");
    if (!nats.password.empty() && nats.user.empty()) problem(n, "sinks.nats.password", "a password needs sinks.nats.user");
    if (nats.nkey.empty() != nats.nkey_seed_file.empty())
      problem(n, nats.nkey.empty() ? "sinks.nats.nkey" : "sinks.nats.nkey_seed_file",
              "sinks.nats.nkey and sinks.nats.nkey_seed_file go together");
    if (nats.tls_cert_file.empty() != nats.tls_key_file.empty())
      problem(n, nats.tls_cert_file.empty() ? "sinks.nats.tls.cert_file" : "sinks.nats.tls.key_file",
              "sinks.nats.tls.cert_file and sinks.nats.tls.key_file go together");
    if (nats.enabled && nats.spool && nats.spool_dir.empty()) problem(n, "sinks.nats.spool.dir", "required");
  }

  // The token may come from the environment; a port open beyond this
  // machine must have one.
  void api_read(const YAML::Node& n, api_settings& api) {
    if (!api.token_env.empty()) {
      if (!api.token.empty()) {
        problem(n, "api.token_env", "set api.token or api.token_env, not both");
      } else {
        const char* value = std::getenv(api.token_env.c_str());
        if (!value || !*value)
          problem(n, "api.token_env", fmt::format("the environment variable {} is not set or empty", api.token_env));
        else
          api.token = value;
      }
    }
    const bool listen_read = std::none_of(problems.begin(), problems.end(),
                                          [](const config_problem& p) { return p.key == "api.listen"; });
    if (api.enabled && api.token.empty() && listen_read && !is_loopback_listen(api.listen))
      problem(n, "api.listen",
              fmt::format("{} is reachable from other machines, and no api.token (or api.token_env) is set: "
                          "anyone reaching it could reconnect feeds and change subscriptions",
                          api.listen));
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
      feed_config feed;
      // The supervisor settings, with this feed's own where it sets them (a
      // venue whose connections live otherwise than the built-in rule says is
      // rotated before its cut, not only cut).
      feed.supervisor = c.supervisor;
      if (!read_section(f, "feeds[]", key, c, feed)) continue;
      if (feed.channels.empty()) feed.channels = find_config_key("feeds[].channels")->choices;
      // Each symbol in the venue's own spelling: a wrong one would subscribe
      // to nothing, silently.
      const auto adapter = is_venue(feed.venue) ? make_venue_adapter(feed.venue) : nullptr;
      for (std::size_t j = 0; j < feed.symbols.size(); ++j) {
        const std::string item = fmt::format("{}.symbols[{}]", key, j);
        const YAML::Node list = f["symbols"];
        const YAML::Node at = list.IsSequence() ? list[j] : list;  // a lone symbol may be a plain scalar
        if (!adapter) {  // an unknown venue, reported already
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
      if (feed.id.empty() && !feed.venue.empty()) {
        const int k = venue_count[feed.venue]++;
        feed.id = k == 0 ? feed.venue : fmt::format("{}-{}", feed.venue, k + 1);
      }
      if (!feed.id.empty() && !ids.insert(feed.id).second)
        problem(f, key + ".id", fmt::format("feed id '{}' is used twice", feed.id));
      c.feeds.push_back(std::move(feed));
    }
  }

  static bool is_venue(const std::string& venue) {
    return std::find(known_venues().begin(), known_venues().end(), venue) != known_venues().end();
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
    feed_config no_feed;  // keys outside feeds[] never touch it
    if (r.read_section(root, "", "", c, no_feed) && !c.files.enabled && !c.stdout_sink.enabled && !c.nats.enabled)
      r.problem(root, "sinks", "no sink is enabled: records would go nowhere");
  } catch (const YAML::Exception& e) {
    r.problems.push_back({e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "unexpected YAML: " + e.msg});
  }
  if (!r.problems.empty()) throw config_error(std::string(source), std::move(r.problems));
  for (const auto& n : r.notes)
    c.notes.push_back(n.line > 0 ? fmt::format("{}:{}: {}: {}", source, n.line, n.key, n.message)
                                 : fmt::format("{}: {}: {}", source, n.key, n.message));
  return c;
}

bool is_loopback_listen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  std::string_view host = colon == std::string_view::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

daemon_config load_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw config_error(file.string(), {{0, "", "cannot be read"}});
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file.string());
}

namespace {

// Where a profiled key's value came from: the profile, or the file (and
// then what the profile would have given). A file that repeats the
// profile's value leaves it the profile's.
std::string origin(const config_key& key, const daemon_config& c) {
  daemon_config from_profile;
  const feed_config no_feed;
  feed_config unused;
  find_config_key("supervisor.profile")->set(from_profile, unused, c.profile);
  const config_value profile_value = key.get(from_profile, no_feed);
  if (key.get(c, no_feed) == profile_value) return fmt::format("  # profile {}", c.profile);
  if (std::holds_alternative<std::monostate>(profile_value))
    return fmt::format("  # this file (profile {}: the venue's own)", c.profile);
  return fmt::format("  # this file (profile {}: {})", c.profile, format_value(profile_value));
}

// One key's line of check-config's output, without its indent. A setting
// the file leaves to the venue (or to the machine) is a comment saying the
// value that applies: the configuration read back is the same, and
// uncommenting the line pins that value.
std::string key_line(const config_key& key, const daemon_config& c, const feed_config& f,
                     const venue_adapter* venue) {
  const std::string name(key.name());
  const config_value value = key.get(c, f);
  if (key.secret) {
    const auto& secret = std::get<std::string>(value);
    // A token read from the environment stays there: the text says where.
    if (key.path == "api.token" && !c.api.token_env.empty())
      return fmt::format("{}: \"\"  # from ${}", name, c.api.token_env);
    if (key.path == "sinks.nats.token" && !c.nats.token_env.empty())
      return fmt::format("{}: \"\"  # from ${}", name, c.nats.token_env);
    if (key.path == "sinks.nats.password" && !c.nats.password_env.empty())
      return fmt::format("{}: \"\"  # from ${}", name, c.nats.password_env);
    return fmt::format("{}: {}", name,
                       secret.empty() ? format_value(secret) : std::string(hidden_value));
  }
  // Endpoints: the adapter's, resolved.
  if (venue && key.venue_value && key.type == key_type::string)
    return fmt::format("{}: {}", name, format_value(key.venue_value(*venue)));
  if (std::holds_alternative<std::monostate>(value)) {
    if (venue && key.venue_value)
      return fmt::format("# {}: {} ({}'s own)", name,
                         format_venue_value(key, key.venue_value(*venue)), venue->name());
    std::string said = describe_default(key);
    if (key.venue_value) {
      std::string each;
      for (const auto v : known_venues())
        if (const auto adapter = make_venue_adapter(v))
          each += fmt::format("{}{}: {}", each.empty() ? "" : ", ", v,
                              format_venue_value(key, key.venue_value(*adapter)));
      said += " (" + each + ")";
    }
    return fmt::format("# {}: {}", name, said);
  }
  std::string line = fmt::format("{}: {}", name, format_value(value));
  if (venue && key.used_by && !key.used_by(*venue))
    line += fmt::format("  # {} does not use it", venue->name());
  if (key.profiled()) line += origin(key, c);
  return line;
}

// Prints `keys` (all of them under `base`), each section's header before its
// first key; `indent` spaces in front of everything.
std::string key_lines(std::span<const config_key> keys, std::string_view base, std::size_t indent,
                      const daemon_config& c, const feed_config& f, const venue_adapter* venue) {
  std::string out;
  std::vector<std::string_view> open;  // the sections of the key printed last
  for (const auto& key : keys) {
    std::string_view section = key.section();
    section.remove_prefix(std::min(section.size(), base.empty() ? 0 : base.size() + 1));
    std::vector<std::string_view> parts;
    while (!section.empty()) {
      const auto dot = section.find('.');
      parts.push_back(section.substr(0, dot));
      section.remove_prefix(dot == std::string_view::npos ? section.size() : dot + 1);
    }
    std::size_t same = 0;
    while (same < parts.size() && same < open.size() && parts[same] == open[same]) ++same;
    for (std::size_t i = same; i < parts.size(); ++i)
      out += fmt::format("{:{}}{}:\n", "", indent + 2 * i, parts[i]);
    out += fmt::format("{:{}}{}\n", "", indent + 2 * parts.size(), key_line(key, c, f, venue));
    open = std::move(parts);
  }
  return out;
}

}  // namespace

std::string to_yaml(const daemon_config& c) {
  const auto& keys = config_keys();
  const auto first_feed_key =
      std::find_if(keys.begin(), keys.end(), [](const config_key& k) { return k.per_feed(); });
  const auto past_feed_keys =
      std::find_if(first_feed_key, keys.end(), [](const config_key& k) { return !k.per_feed(); });
  const feed_config no_feed;
  std::string out = key_lines({keys.begin(), first_feed_key}, "", 0, c, no_feed, nullptr);
  out += c.feeds.empty() ? "feeds: []\n" : "feeds:\n";
  for (const auto& f : c.feeds) {
    // Resolved: the venue's production endpoints unless the file names others.
    const auto venue = make_venue_adapter(f.venue, {f.ws_url, f.rest_url});
    std::string lines =
        key_lines({first_feed_key, past_feed_keys}, "feeds[]", 4, c, f, venue.get());
    lines.replace(2, 2, "- ");
    out += lines;
  }
  out += key_lines({past_feed_keys, keys.end()}, "", 0, c, no_feed, nullptr);
  return out;
}

}  // namespace sf::daemon
