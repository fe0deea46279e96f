#include "status_table.hpp"

#include <fmt/format.h>

namespace sf::daemon {

std::string format_status(const std::vector<feed_stats>& feeds, const sink_status& sink) {
  std::string out = fmt::format("{:<22} {:<13} {:>10} {:>8} {:>9} {:>9} {:>7} {:>8}\n", "connection", "state",
                                "messages", "dups", "reconnect", "rotations", "quality", "stale");
  for (const auto& f : feeds) {
    for (const auto& c : f.connections) {
      out += fmt::format("{:<22} {:<13} {:>10} {:>8} {:>9} {:>9} {:>7} {:>8}\n", c.name, to_string(c.state),
                         c.counters.messages, c.counters.duplicates_dropped, c.counters.reconnect_successes,
                         c.counters.rotations, c.quality.score, c.stale_streams.size());
    }
    out += fmt::format("  feed {:<16} trades={} books={} gaps={} rest_failures={}\n", f.id, f.trades, f.books, f.gaps,
                       f.rest_failures);
  }
  out += fmt::format("  sink records={} written={} KiB queue={} dropped={}{}\n", sink.records, sink.bytes_written / 1024,
                     sink.queue_depth, sink.dropped, sink.last_error.empty() ? "" : " error: " + sink.last_error);
  return out;
}

}  // namespace sf::daemon
