// Reads a JetStream stream back, message by message in stream order: for
// `steadyfeed verify --nats` and for tests. Each message is what the nats
// sink published: its subject, its Nats-Msg-Id and one NDJSON line.
//
// Messages stream through an ordered consumer (ephemeral, deleted when the
// read ends), or are fetched one by one by sequence number where it cannot
// serve (a stream of several subjects); sequence numbers that were deleted
// are skipped.
//
// Thread safety: none. Lifetime: the connection closes with the reader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "steadyfeed/sink/nats_sink.hpp"

namespace sf {

struct nats_stored_message {
  std::uint64_t sequence = 0;
  std::string subject;
  std::string message_id;  // its Nats-Msg-Id ("" when it has none)
  std::string data;
};

class nats_stream_reader {
 public:
  // Connects with the sink's settings (servers, credentials, TLS) to read
  // `config.stream.name`. Throws std::runtime_error when it cannot connect
  // or there is no such stream.
  explicit nats_stream_reader(const nats_sink_config& config);
  ~nats_stream_reader();
  nats_stream_reader(const nats_stream_reader&) = delete;
  nats_stream_reader& operator=(const nats_stream_reader&) = delete;

  // The stream's first and last sequence numbers now (0, 0 when empty).
  std::pair<std::uint64_t, std::uint64_t> bounds();
  // Calls `f` for every message, in order; returns how many. Throws
  // std::runtime_error when a read fails.
  std::uint64_t read(const std::function<void(const nats_stored_message&)>& f);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf
