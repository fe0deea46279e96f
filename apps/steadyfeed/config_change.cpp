#include "config_change.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config_key.hpp"

namespace sf::daemon {

stream_set streams_of(const feed_config& f) {
  stream_set out;
  for (const auto& symbol : f.symbols)
    for (const auto& channel : f.channels) out.emplace(symbol, channel);
  return out;
}

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

const feed_config* find(const std::vector<feed_config>& feeds, const std::string& id) {
  const auto it = std::find_if(feeds.begin(), feeds.end(), [&](const feed_config& f) { return f.id == id; });
  return it == feeds.end() ? nullptr : &*it;
}

// Equal but for the streams.
bool same_settings(feed_config a, feed_config b) {
  a.symbols.clear();
  a.channels.clear();
  b.symbols.clear();
  b.channels.clear();
  return a == b;
}

// A value as a change line shows it: never a secret, nor a URL (one may
// carry a credential in its path or query).
std::string shown(const config_key& key, const config_value& v) {
  if (std::holds_alternative<std::monostate>(v)) return describe_default(key);
  return format_value(v);
}

bool hidden(const config_key& key) { return key.secret || key.path.ends_with(".url"); }

// "feeds[].redundancy: 1 → 2, supervisor.idle_timeout: 1m → 45s": what
// differs between two settings of one feed, by the keys that reach it.
std::string settings_difference(const daemon_config& running, const feed_config& was, const daemon_config& next,
                                const feed_config& is) {
  std::string out;
  for (const auto& key : config_keys()) {
    if (key.path == "feeds[].symbols" || key.path == "feeds[].channels" || key.path == "feeds[].id") continue;
    if (!key.per_feed() && !key.section().starts_with("supervisor")) continue;
    const config_value a = key.get(running, was), b = key.get(next, is);
    if (a == b) continue;
    out += (out.empty() ? "" : ", ") + (hidden(key) ? fmt::format("{} changed", key.path)
                                                     : fmt::format("{}: {} → {}", key.path, shown(key, a),
                                                                   shown(key, b)));
  }
  return out.empty() ? "settings no key names" : out;
}

}  // namespace

config_change diff(const daemon_config& running, const std::map<std::string, stream_set>& streams,
                   const daemon_config& next) {
  config_change out;
  for (const auto& f : running.feeds)
    if (!find(next.feeds, f.id)) out.removed.push_back(f.id);
  for (const auto& f : next.feeds) {
    const feed_config* before = find(running.feeds, f.id);
    if (!before) {
      out.added.push_back(f);
      continue;
    }
    // Its streams change live whatever else changed; the rest waits.
    if (!same_settings(*before, f))
      out.needs_restart.push_back(
          fmt::format("feed {}: {}", f.id, settings_difference(running, *before, next, f)));
    const auto it = streams.find(f.id);
    const stream_set now = it != streams.end() ? it->second : streams_of(*before);
    const stream_set wanted = streams_of(f);
    config_change::resubscription r{f.id, {}, {}};
    for (const auto& [symbol, channel] : wanted)
      if (!now.contains({symbol, channel})) r.subscribe[channel].push_back(symbol);
    for (const auto& [symbol, channel] : now)
      if (!wanted.contains({symbol, channel})) r.unsubscribe[channel].push_back(symbol);
    if (!r.subscribe.empty() || !r.unsubscribe.empty())
      out.resubscribed.push_back(std::move(r));
    else if (same_settings(*before, f))
      out.unchanged.push_back(f.id);
  }
  // Everything outside the feeds: the supervisor keys reach the feeds (each
  // carries its settings), the rest needs a restart.
  const feed_config none;
  for (const auto& key : config_keys()) {
    if (key.per_feed() || key.section().starts_with("supervisor")) continue;
    const config_value was = key.get(running, none), is = key.get(next, none);
    if (was == is) continue;
    out.needs_restart.push_back(hidden(key) ? fmt::format("{}: changed", key.path)
                                            : fmt::format("{}: {} → {}", key.path, shown(key, was), shown(key, is)));
  }
  return out;
}

std::vector<std::string> config_change::describe() const {
  std::vector<std::string> out;
  for (const auto& f : added)
    out.push_back(fmt::format("feed {}: added ({} {} × {})", f.id, f.venue, join(f.symbols), join(f.channels)));
  for (const auto& id : removed) out.push_back(fmt::format("feed {}: removed", id));
  for (const auto& r : resubscribed) {
    std::string line = fmt::format("feed {}:", r.feed);
    for (const auto& [channel, symbols] : r.subscribe) line += fmt::format(" +{} {}", channel, join(symbols));
    for (const auto& [channel, symbols] : r.unsubscribe) line += fmt::format(" -{} {}", channel, join(symbols));
    out.push_back(std::move(line));
  }
  for (const auto& id : unchanged) out.push_back(fmt::format("feed {}: unchanged", id));
  return out;
}

}  // namespace sf::daemon
