// The live status table printed by `run` and `demo`: one line per connection
// (state, messages, reconnects, rotations, quality) and one per feed (records,
// gaps), plus the sink.
#pragma once

#include <string>
#include <vector>

#include "recorder.hpp"

namespace sf::daemon {

std::string format_status(const std::vector<feed_stats>& feeds, const sink_status& sink);

}  // namespace sf::daemon
