// What a reload changes: the difference between the running configuration
// and a new one, in the terms it is applied in.
//
// A feed whose streams differ keeps its connections and is sent only the
// difference; a feed in one file only is added or removed; every other feed
// is not touched. What a running feed cannot change (its venue, endpoints,
// redundancy, supervisor settings; its streams still change) and the
// settings outside the feeds (workers, sinks, api, alerts, log) take a
// restart of the daemon: they are listed, and keep their running values.
// (Restarting one feed live would race its own last records: the new
// feed's resume point would be read from files the old one is still
// writing.)
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace sf::daemon {

// (symbol, channel) pairs, symbols in the venue's spelling.
using stream_set = std::set<std::pair<std::string, std::string>>;

// The streams `f` names: its symbols × its channels.
stream_set streams_of(const feed_config& f);

struct config_change {
  struct resubscription {
    std::string feed;
    // By channel, the symbols to subscribe and to unsubscribe.
    std::map<std::string, std::vector<std::string>> subscribe, unsubscribe;
  };
  std::vector<feed_config> added;
  std::vector<std::string> removed;    // feed ids
  std::vector<resubscription> resubscribed;
  std::vector<std::string> unchanged;  // feed ids: nothing differs
  // "api.listen: 127.0.0.1:8080 → 127.0.0.1:9090", "feed okx: redundancy:
  // 1 → 2": each takes a restart, and is not applied.
  std::vector<std::string> needs_restart;

  // One line per change made (not needs_restart), for the log and the API.
  std::vector<std::string> describe() const;
};

// `streams`: each running feed's streams now (the file's, changed since by
// the API). A feed of `next` with the id of a running feed is that feed.
config_change diff(const daemon_config& running, const std::map<std::string, stream_set>& streams,
                   const daemon_config& next);

}  // namespace sf::daemon
