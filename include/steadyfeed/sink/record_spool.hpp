// An append-only spool of records on local disk, for a sink that is slow or
// down: what it cannot take now is kept here, in order, and read back when
// it returns, while new records keep arriving behind it.
//
// Layout: DIR/spool-NNNNNNNNNNNNNNNNNNNN.dat segments, numbered in order. A
// record is a header line and its NDJSON line:
//
//   R <kind> <venue> <channel> <symbol> <id> <received> <length>\n<line>
//
// (a space, line break or '%' in a name or id is written %XX, an empty one
// "-"; `line` is `length` bytes and ends in '\n'). Appends go through a
// small buffer that is written out at every flush() (the nats sink flushes
// at every tick, every few milliseconds); a record counts as spooled once it
// is written, and a written record survives kill -9 (the page cache keeps
// it; `fsync` also keeps it through a power loss). Crash safety is the format's: at
// open(), a segment's torn tail (a header or line cut short by a crash) is
// truncated, every whole record before it is kept; bytes between whole
// records that are none (damage) are skipped to the next record header,
// counted in damaged_bytes, and the segment is rewritten without them.
//
// Reading: read() hands out records in order from a cursor, and commit()
// says everything read up to a mark has been delivered; segments wholly
// before the mark are deleted. Records read but not committed are read
// again after a restart (the reader deduplicates them: JetStream by
// Nats-Msg-Id). push_front() puts records back before everything else (a
// sink that closes with records it could not deliver keeps them first).
//
// Size: `max_bytes` bounds the segments on disk. append() refuses a record
// that does not fit (std::errc::no_space_on_device), and the caller turns it
// into a gap record; append_always() is for those small gap records, which
// must not be refused.
//
// Thread safety: none. Lifetime: one spool per directory at a time (the
// daemon's directory lock covers its data directory; a spool directory is
// the sink's own).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

struct record_spool_config {
  std::filesystem::path dir;
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  std::uint64_t segment_bytes = std::uint64_t{64} << 20;
  bool fsync = false;
};

// A record as the spool keeps it: owned copies of a sink_record's fields.
struct spooled_record {
  record_kind kind = record_kind::trade;
  std::string venue, channel, symbol, id;
  wall_us received = 0;
  std::string line;
};

struct record_spool_stats {
  std::uint64_t bytes = 0;          // on disk (and buffered), in live segments
  std::uint64_t records = 0;        // appended and not yet committed
  std::uint64_t unread = 0;         // appended and not yet read
  std::uint64_t segments = 0;
  std::uint64_t torn_bytes_removed = 0;  // at open(): tails cut short by a crash
  std::uint64_t damaged_bytes = 0;       // at open(): bytes between whole records that were none (lost)
  std::uint64_t refused = 0;        // appends refused because the spool was full
};

class record_spool {
 public:
  // Where reading has got to: commit(mark) releases everything before it.
  struct mark {
    std::uint64_t segment = 0;
    std::uint64_t offset = 0;
  };

  explicit record_spool(record_spool_config config);
  ~record_spool();
  record_spool(const record_spool&) = delete;
  record_spool& operator=(const record_spool&) = delete;

  // Creates the directory, or opens the segments a previous run left (their
  // torn tails truncated); reading starts at the oldest.
  std::error_code open();

  // Appends at the tail; std::errc::no_space_on_device when it would pass
  // max_bytes. Write errors are returned as they come.
  std::error_code append(const spooled_record& r);
  std::error_code append_always(const spooled_record& r);
  // Puts records back at the head, before every unread one, in their order.
  std::error_code push_front(const std::vector<spooled_record>& rs);
  // Writes buffered appends to the file.
  std::error_code flush();

  // Reads up to `max` records in order into `out` (appended); returns how
  // many. Buffered appends are flushed first.
  std::size_t read(std::vector<spooled_record>& out, std::size_t max, std::error_code& ec);
  // Everything read so far.
  mark read_mark() const noexcept { return {read_segment_, read_offset_}; }
  // Everything before `m` was delivered: segments wholly before it go.
  std::error_code commit(mark m);

  // Whether `bytes` more (encoded_size of the records) fit under max_bytes.
  bool fits(std::uint64_t bytes) const noexcept { return stats_.bytes + bytes <= config_.max_bytes; }
  static std::size_t encoded_size(const spooled_record& r);

  bool empty() const noexcept { return stats_.unread == 0; }
  const record_spool_stats& stats() const noexcept { return stats_; }
  const std::filesystem::path& dir() const noexcept { return config_.dir; }

  // One record's encoding, and the parse of one from `data` at `pos`
  // (nullopt when it is torn or not a record; `pos` then stays).
  static void encode(std::string& out, const spooled_record& r);
  static std::optional<spooled_record> decode(std::string_view data, std::size_t& pos);

 private:
  struct segment {
    std::uint64_t number = 0;
    std::uint64_t bytes = 0;    // written and buffered
    std::uint64_t records = 0;
  };
  std::filesystem::path path_of(std::uint64_t number) const;
  std::error_code append_encoded(std::size_t records);
  std::error_code open_tail(std::uint64_t number);
  std::error_code write_out();
  std::error_code load_segment(std::uint64_t number);
  // Reads `want` bytes of the reader's segment from its offset into read_data_.
  bool load_window(std::size_t want, std::error_code& ec);

  record_spool_config config_;
  std::vector<segment> segments_;  // in order; the last is written to
  int tail_fd_ = -1;
  std::string buffer_;             // appends not yet written
  std::error_code write_error_;    // the last write of buffer_, when it failed
  std::string encoded_;
  // The reader: its segment, its offset there, and that segment's bytes.
  std::uint64_t read_segment_ = 0;
  std::uint64_t read_offset_ = 0;
  std::string read_data_;
  std::uint64_t read_data_segment_ = 0;
  bool read_data_loaded_ = false;
  record_spool_stats stats_;
};

}  // namespace sf
