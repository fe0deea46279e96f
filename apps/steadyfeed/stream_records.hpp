// Records read back from a JetStream stream, grouped as a recording is: by
// stream "venue/channel/symbol" (from each message's subject,
// PREFIX.venue.channel.symbol, its names unescaped), each stream's lines in
// the order the stream stored them. What `steadyfeed verify --nats` judges.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "steadyfeed/sink/nats_sink.hpp"

namespace sf::daemon {

struct stream_records {
  std::map<std::string, std::vector<std::string>> lines;  // by stream, without '\n'
  std::vector<std::string> errors;  // messages whose subject is not PREFIX.venue.channel.symbol
  std::uint64_t messages = 0;
};

// Throws std::runtime_error when the stream cannot be read.
stream_records read_stream_records(const nats_sink_config& config);

}  // namespace sf::daemon
