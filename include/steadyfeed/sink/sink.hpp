// Where records go: the interface every sink implements (files, stdout, and
// the ones still to come), and the shape in which records reach it.
//
// A record reaches a sink already formatted, as one NDJSON line (design §5),
// with its stream's names and its identity beside it: the feed's worker
// thread formats each record once, and every sink shares that line. A sink
// that keys messages by identity (JetStream's Nats-Msg-Id) reads `id`; one
// that files records by stream reads the names.
//
// Errors are values: write(), tick(), flush() and close() return what went
// wrong, and the caller (the runtime's sink router) counts it, reports it and
// goes on. A sink never throws on the data path.
//
// Thread safety: a sink is used by one thread at a time, the router's; it
// need not lock. stats() is called on that same thread.
// Lifetime: close() is called once, last; the destructor may assume it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

// One record on its way to the sinks. Views are valid for the call only.
struct sink_record {
  record_kind kind = record_kind::trade;
  std::string_view venue, channel, symbol;
  // Identity within the stream (design §1): a trade's id, a book update's
  // final sequence id, a gap's "from-to".
  std::string_view id;
  wall_us received = 0;
  std::string_view line;  // one NDJSON object ending in '\n'
};

struct sink_stats {
  std::uint64_t records = 0;        // records accepted
  std::uint64_t bytes_written = 0;  // bytes the sink wrote out (after compression)
  std::uint64_t records_lost = 0;   // accepted but never written (each covered by a gap record)
  // A sink that sends records elsewhere (NATS) and keeps what it cannot
  // send yet; zero for the others.
  std::uint64_t queued = 0;         // held in memory, not yet sent
  std::uint64_t in_flight = 0;      // sent, not yet acknowledged
  std::uint64_t acks = 0;           // acknowledgements, duplicates included
  std::uint64_t duplicates = 0;     // acknowledged as already stored (another collector sent them)
  std::uint64_t spool_records = 0;  // on local disk, waiting
  std::uint64_t spool_bytes = 0;
};

class sink {
 public:
  virtual ~sink() = default;

  // A short name for reports and metrics ("files", "stdout").
  virtual std::string_view name() const noexcept = 0;
  // Where the sink writes, for messages ("files in ./data").
  virtual std::string describe() const = 0;

  virtual std::error_code write(const sink_record& r) = 0;
  // Called at least every few milliseconds, with or without records: time
  // for periodic flushes.
  virtual std::error_code tick(time_point now) = 0;
  // Writes out everything accepted so far.
  virtual std::error_code flush() = 0;
  // Flushes and releases the sink's files or connections.
  virtual std::error_code close() = 0;

  virtual sink_stats stats() const = 0;
};

}  // namespace sf
