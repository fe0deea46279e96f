#include "steadyfeed/sink/file_sink.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/sink/zstd_frames.hpp"

namespace sf {

struct file_sink::compressor {
  explicit compressor(int level) : cctx(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // each frame verifies its content
  }
  ~compressor() { ZSTD_freeCCtx(cctx); }
  ZSTD_CCtx* cctx;
};

struct file_sink::stream_file {
  std::string key;
  std::string venue, channel, symbol;
  std::filesystem::path path;
  int fd = -1;
  std::int64_t hour = -1;
  std::string pending;
  // The ids of the pending lines' first and last records, as queued.
  std::string first_id, last_id;
  std::uint64_t pending_records = 0;
  wall_us first_received = 0;
  bool failing = false;  // the last write failed: retried at tick(), not per line
  // What the open file holds, should it be removed under us.
  std::string file_first_id, file_last_id;
  std::uint64_t file_records = 0;
  wall_us file_first_received = 0;
  // Records dropped while writes failed: one gap record, owed.
  struct loss {
    std::string from, to, why;
    std::uint64_t count = 0;
    wall_us received = 0;
  };
  std::optional<loss> lost;
};

namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

std::error_code write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

constexpr std::int64_t us_per_hour = 3'600'000'000LL;

}  // namespace

file_sink::file_sink(file_sink_config config)
    : config_(std::move(config)), zstd_(std::make_unique<compressor>(config_.compression_level)) {}

file_sink::~file_sink() { close(); }

std::string file_sink::describe() const { return fmt::format("files in {}", config_.dir.string()); }

std::filesystem::path file_sink::path_for(const std::filesystem::path& dir, std::string_view venue,
                                          std::string_view channel, std::string_view symbol,
                                          wall_us received) {
  const std::time_t secs = static_cast<std::time_t>(received / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return dir / venue / channel / symbol /
         fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) /
         fmt::format("{:02}.ndjson.zst", tm.tm_hour);
}

std::uint64_t file_sink::seal(const std::filesystem::path& file, std::error_code& ec) {
  ec.clear();
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      ec = std::make_error_code(std::errc::no_such_file_or_directory);
      return 0;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
      ec = std::make_error_code(std::errc::io_error);
      return 0;
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  const zstd_frame_walk walk = walk_zstd_frames(bytes, [&](std::size_t at, std::size_t size, std::string_view) {
    kept.emplace_back(at, size);
    return true;
  });
  if (walk.damaged_bytes == 0 && walk.torn_bytes == 0) return 0;
  if (walk.damaged_bytes == 0) {
    // Only a torn tail: cut it off where the last whole frame ends.
    std::filesystem::resize_file(file, bytes.size() - walk.torn_bytes, ec);
    return ec ? 0 : walk.torn_bytes;
  }
  // Damage between whole frames: the file is written again with the whole
  // frames alone, beside it, then put in its place.
  const std::filesystem::path fresh = file.string() + ".sealing";
  {
    std::ofstream out(fresh, std::ios::binary | std::ios::trunc);
    for (const auto& [at, size] : kept) out.write(bytes.data() + at, static_cast<std::streamsize>(size));
    out.flush();
    if (!out) {
      ec = std::make_error_code(std::errc::io_error);
      std::filesystem::remove(fresh);
      return 0;
    }
  }
  if (const int fd = ::open(fresh.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(fresh, file, ec);
  return ec ? 0 : walk.damaged_bytes + walk.torn_bytes;
}

namespace {

// A record's id range: a gap record's "from-to", anyone else's id.
std::pair<std::string_view, std::string_view> id_range(const sink_record& r) {
  if (r.kind == record_kind::gap) {
    const auto dash = r.id.find('-');
    if (dash != std::string_view::npos) return {r.id.substr(0, dash), r.id.substr(dash + 1)};
  }
  return {r.id, r.id};
}

}  // namespace

std::error_code file_sink::write(const sink_record& r) {
  // Lines come in runs of one stream: the last one is checked first.
  if (!last_ || last_->venue != r.venue || last_->channel != r.channel || last_->symbol != r.symbol) {
    key_.clear();
    key_.append(r.venue).append("/").append(r.channel).append("/").append(r.symbol);
    auto it = streams_.find(key_);
    if (it == streams_.end()) {
      auto f = std::make_unique<stream_file>();
      f->key = key_;
      f->venue = r.venue;
      f->channel = r.channel;
      f->symbol = r.symbol;
      it = streams_.emplace(key_, std::move(f)).first;
    }
    last_ = it->second.get();  // streams are never removed
  }
  stream_file& f = *last_;
  const std::int64_t hour = r.received / us_per_hour;
  std::error_code result;
  if (hour != f.hour) {
    // What the old hour holds goes to its own file first; if it cannot, it
    // is lost, and the gap record says so at the head of the new hour.
    if (auto ec = flush_stream(f)) {
      result = ec;
      drop_pending(f, ec);
    }
    if (f.fd >= 0) {
      ::close(f.fd);
      f.fd = -1;
      --stats_.open_files;
    }
    f.path = path_for(config_.dir, r.venue, r.channel, r.symbol, r.received);
    f.hour = hour;
    f.file_records = 0;
  }
  if (f.pending.empty()) {
    f.first_id.assign(id_range(r).first);
    f.first_received = r.received;
  }
  f.last_id.assign(id_range(r).second);
  f.pending.append(r.line);
  const auto lines = static_cast<std::uint64_t>(std::count(r.line.begin(), r.line.end(), '\n'));
  f.pending_records += lines;
  stats_.bytes_in += r.line.size();
  stats_.records += lines;
  if (f.failing) {
    if (f.pending.size() >= config_.max_pending_bytes) drop_pending(f, std::make_error_code(std::errc::io_error));
    return result;
  }
  if (f.pending.size() >= config_.max_buffer_bytes)
    if (auto ec = flush_stream(f)) return ec;
  return result;
}

std::error_code file_sink::open_stream(stream_file& f) {
  std::error_code ec;
  std::filesystem::create_directories(f.path.parent_path(), ec);
  if (ec) return ec;
  if (std::filesystem::exists(f.path, ec)) {
    stats_.torn_bytes_removed += seal(f.path, ec);
    if (ec) return ec;
  }
  f.fd = ::open(f.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (f.fd < 0) return last_error();
  ++stats_.open_files;
  return {};
}

std::error_code file_sink::failed(stream_file& f, std::error_code ec) {
  ++stats_.write_failures;
  f.failing = true;
  if (f.pending.size() >= config_.max_pending_bytes) drop_pending(f, ec);
  return ec;
}

void file_sink::add_loss(stream_file& f, std::string_view from, std::string_view to, wall_us received,
                         std::uint64_t count, std::string why) {
  // One gap record owed per stream: a loss before the one owed widens it
  // backwards, a later one forwards.
  const bool before_owed = f.lost && f.lost->received > received;
  if (!f.lost) {
    f.lost = stream_file::loss{};
    f.lost->from = from;
    f.lost->to = to;
    f.lost->received = received;
  } else if (before_owed) {
    f.lost->from = from;
    f.lost->received = received;
  } else {
    f.lost->to = to;
  }
  f.lost->count += count;
  f.lost->why = std::move(why);
  stats_.records_lost += count;
}

void file_sink::drop_pending(stream_file& f, std::error_code why) {
  if (f.pending_records == 0) return;
  add_loss(f, f.first_id, f.last_id, f.first_received, f.pending_records, why.message());
  f.pending.clear();
  f.pending_records = 0;
}

std::error_code file_sink::flush_stream(stream_file& f) {
  if (f.pending.empty() && !f.lost) return {};
  std::error_code removed;
  if (struct stat st{}; f.fd >= 0 && ::fstat(f.fd, &st) == 0 && st.st_nlink == 0) {
    // Removed under us: what it held is gone from the disk. Said in a gap
    // record ahead of what follows, in a new file where the old one was.
    removed = std::make_error_code(std::errc::no_such_file_or_directory);
    ++stats_.files_removed;
    ::close(f.fd);
    f.fd = -1;
    --stats_.open_files;
    if (f.file_records > 0) {
      add_loss(f, f.file_first_id, f.file_last_id, f.file_first_received, f.file_records,
               fmt::format("{} was removed while being written", f.path.string()));
      f.file_records = 0;
    }
  }
  if (f.fd < 0)
    if (auto ec = open_stream(f)) return failed(f, ec);
  std::string_view input = f.pending;
  if (f.lost) {
    gap_record g;
    g.venue = f.venue;
    g.channel = f.channel;
    g.symbol = f.symbol;
    g.from = f.lost->from;
    g.to = f.lost->to;
    g.reason = fmt::format("files sink: {} record(s) could not be written ({})", f.lost->count, f.lost->why);
    g.ts_recv = f.lost->received;
    input_.clear();
    append_json(input_, g);
    input_ += f.pending;
    input = input_;
  }
  frame_.resize(ZSTD_compressBound(input.size()));
  const std::size_t n = ZSTD_compress2(zstd_->cctx, frame_.data(), frame_.size(), input.data(), input.size());
  if (ZSTD_isError(n)) return failed(f, std::make_error_code(std::errc::io_error));
  const off_t end = ::lseek(f.fd, 0, SEEK_END);
  std::error_code ec = write_all(f.fd, frame_.data(), n);
  if (!ec && config_.fsync && ::fdatasync(f.fd) != 0) ec = last_error();
  if (ec) {
    // Cut off whatever part of the frame reached the file, so that it stays
    // a sequence of whole frames; the file is opened afresh on the next try.
    if (end >= 0) (void)::ftruncate(f.fd, end);
    ::close(f.fd);
    f.fd = -1;
    --stats_.open_files;
    return failed(f, ec);
  }
  stats_.bytes_out += n;
  ++stats_.frames;
  if (f.file_records == 0) {
    f.file_first_id = f.lost ? f.lost->from : f.first_id;
    f.file_first_received = f.lost ? f.lost->received : f.first_received;
  }
  f.file_last_id = f.pending_records > 0 ? f.last_id : (f.lost ? f.lost->to : f.file_last_id);
  f.file_records += f.pending_records;
  if (f.lost) ++stats_.gap_records;
  f.lost.reset();
  f.failing = false;
  f.pending.clear();
  f.pending_records = 0;
  return removed;
}

std::error_code file_sink::flush() {
  std::error_code first;
  for (auto& [key, f] : streams_)
    if (auto ec = flush_stream(*f); ec && !first) first = ec;
  return first;
}

std::error_code file_sink::tick(time_point now) {
  if (now - last_flush_ < config_.flush_interval) return {};
  last_flush_ = now;
  return flush();
}

std::error_code file_sink::close() {
  const auto ec = flush();
  // What still cannot be written is lost now: counted, so the run says so.
  for (auto& [key, f] : streams_) drop_pending(*f, ec ? ec : std::make_error_code(std::errc::io_error));
  for (auto& [key, f] : streams_) {
    if (f->fd >= 0) {
      if (config_.fsync) ::fsync(f->fd);
      ::close(f->fd);
      f->fd = -1;
    }
  }
  stats_.open_files = 0;
  return ec;
}

}  // namespace sf
