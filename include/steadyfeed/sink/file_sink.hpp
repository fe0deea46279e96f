// The default sink: compressed NDJSON files, one per stream and hour,
// `DIR/venue/channel/symbol/YYYY-MM-DD/HH.ndjson.zst` (UTC, by receive time).
//
// Crash safety comes from the file format, not from luck: records are
// buffered per stream and written as one complete zstd frame per flush
// (every `flush_interval`, or sooner when a stream's buffer fills). A file is
// therefore a sequence of whole frames, each holding whole lines. A kill -9 can
// tear only the frame being written; on the next open, `seal()` finds the last
// complete frame and truncates the torn tail, so every record that was ever
// flushed is kept and writing continues after it. Damage in the middle of a
// file (whole frames after a broken one) costs only the broken bytes: the
// file is rewritten with its whole frames. Standard `zstd -d` and
// `zstdcat` read the files as they are (concatenated frames are valid zstd).
//
// A write that fails (a full disk, a file that vanished) never damages what
// is already on disk: a partly written frame is cut off again at once, and
// the file is reopened on the next try. Meanwhile the stream's lines wait in
// memory, up to `max_pending_bytes`; what does not fit is dropped and
// counted, and once writing works again a `gap` record naming the records
// that were lost (by the ids they carried) is written ahead of the lines
// that follow, so a reader meets the loss where it happened. A file removed
// while it is written (its directory deleted by hand, a cleanup job) is
// noticed at the next flush: the file is created again, and a gap record at
// its head names the records the removed file held. A failing
// stream is retried at tick(), not on every write, so a full disk costs no
// CPU.
//
// One compression context is shared by all streams; memory is the pending
// buffers (bounded by `max_buffer_bytes` per stream while writing works, by
// `max_pending_bytes` while it fails) plus one context.
//
// Thread safety: none; the sink runs on its own thread, fed by a queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf {

struct file_sink_config {
  std::filesystem::path dir = "data";
  duration flush_interval = seconds{1};
  std::size_t max_buffer_bytes = std::size_t{1} << 20;
  std::size_t max_pending_bytes = std::size_t{8} << 20;  // per stream, while writes fail
  int compression_level = 3;
  bool fsync = false;  // also survive power loss, at a cost per flush
};

struct file_sink_stats {
  std::uint64_t records = 0;
  std::uint64_t bytes_in = 0;      // uncompressed
  std::uint64_t bytes_out = 0;     // compressed, written
  std::uint64_t frames = 0;
  std::uint64_t torn_bytes_removed = 0;
  std::uint64_t write_failures = 0;  // flushes that failed (the file is left as it was)
  std::uint64_t records_lost = 0;    // dropped while writes failed; each covered by a gap record
  std::uint64_t gap_records = 0;     // gap records written for them
  std::uint64_t files_removed = 0;   // files removed (with their directory, or alone) while being written
  std::size_t open_files = 0;
};

class file_sink final : public sink {
 public:
  explicit file_sink(file_sink_config config);
  ~file_sink() override;
  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;

  // Appends complete NDJSON lines (each ending in '\n') for one stream, as
  // trade records without ids (tests, tools).
  std::error_code write(std::string_view venue, std::string_view channel, std::string_view symbol,
                        wall_us received, std::string_view lines) {
    return write(sink_record{record_kind::trade, venue, channel, symbol, {}, received, lines});
  }

  // sink
  std::string_view name() const noexcept override { return "files"; }
  std::string describe() const override;
  std::error_code write(const sink_record& r) override;
  // Flushes when the interval has passed since the last flush.
  std::error_code tick(time_point now) override;
  // Writes every pending buffer as a frame.
  std::error_code flush() override;
  // Flushes and closes every file.
  std::error_code close() override;
  sink_stats stats() const override { return {stats_.records, stats_.bytes_out, stats_.records_lost}; }

  const file_sink_stats& file_stats() const noexcept { return stats_; }

  // The file a record received at `received` goes to.
  static std::filesystem::path path_for(const std::filesystem::path& dir, std::string_view venue,
                                        std::string_view channel, std::string_view symbol,
                                        wall_us received);

  // Keeps every whole zstd frame of the file and nothing else: a torn tail is
  // truncated; damage between whole frames is removed by writing the whole
  // frames to FILE.sealing and renaming it over FILE. Returns the bytes removed.
  static std::uint64_t seal(const std::filesystem::path& file, std::error_code& ec);

 private:
  struct stream_file;
  std::error_code flush_stream(stream_file& f);
  std::error_code open_stream(stream_file& f);
  std::error_code failed(stream_file& f, std::error_code ec);
  void drop_pending(stream_file& f, std::error_code why);
  // Records from..to (the first received at `received`) are lost: the gap record owed says so.
  void add_loss(stream_file& f, std::string_view from, std::string_view to, wall_us received, std::uint64_t count,
                std::string why);

  file_sink_config config_;
  struct compressor;
  std::unique_ptr<compressor> zstd_;
  std::map<std::string, std::unique_ptr<stream_file>, std::less<>> streams_;
  stream_file* last_ = nullptr;  // the stream written last
  std::string key_;              // a stream's key, built here for lookups
  time_point last_flush_{};
  std::string frame_;
  std::string input_;  // a gap line and the pending lines, when a loss is owed
  file_sink_stats stats_;
};

}  // namespace sf
