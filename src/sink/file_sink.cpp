#include "steadyfeed/sink/file_sink.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <vector>

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
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    ec = std::make_error_code(std::errc::no_such_file_or_directory);
    return 0;
  }
  const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(file, ec));
  if (ec) return 0;
  std::vector<char> window;
  std::uint64_t good = 0;     // end of the last whole frame
  std::uint64_t read_to = 0;  // file offset at window.end()
  std::size_t start = 0;      // index in window of `good`
  constexpr std::size_t chunk = std::size_t{4} << 20;
  while (true) {
    const std::size_t have = window.size() - start;
    if (have > 0) {
      const std::size_t frame = ZSTD_findFrameCompressedSize(window.data() + start, have);
      if (!ZSTD_isError(frame)) {
        good += frame;
        start += frame;
        continue;
      }
    }
    if (read_to >= size) break;  // nothing more to read: what is left is torn (or nothing)
    // Keep the unconsumed bytes and read more.
    window.erase(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(start));
    start = 0;
    const std::size_t old = window.size();
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - read_to));
    window.resize(old + want);
    in.read(window.data() + old, static_cast<std::streamsize>(want));
    read_to += want;
  }
  if (good == size) return 0;
  std::filesystem::resize_file(file, good, ec);
  return ec ? 0 : size - good;
}

std::error_code file_sink::write(std::string_view venue, std::string_view channel, std::string_view symbol,
                                 wall_us received, std::string_view lines) {
  // Lines come in runs of one stream: the last one is checked first.
  if (!last_ || last_->venue != venue || last_->channel != channel || last_->symbol != symbol) {
    key_.clear();
    key_.append(venue).append("/").append(channel).append("/").append(symbol);
    auto it = streams_.find(key_);
    if (it == streams_.end()) {
      auto f = std::make_unique<stream_file>();
      f->key = key_;
      f->venue = venue;
      f->channel = channel;
      f->symbol = symbol;
      it = streams_.emplace(key_, std::move(f)).first;
    }
    last_ = it->second.get();  // streams are never removed
  }
  stream_file& f = *last_;
  const std::int64_t hour = received / us_per_hour;
  if (f.fd >= 0 && hour != f.hour) {
    if (auto ec = flush_stream(f)) return ec;
    ::close(f.fd);
    f.fd = -1;
    --stats_.open_files;
  }
  if (f.fd < 0) {
    f.path = path_for(config_.dir, venue, channel, symbol, received);
    f.hour = hour;
    std::error_code ec;
    std::filesystem::create_directories(f.path.parent_path(), ec);
    if (ec) return ec;
    if (std::filesystem::exists(f.path)) {
      stats_.torn_bytes_removed += seal(f.path, ec);
      if (ec) return ec;
    }
    f.fd = ::open(f.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (f.fd < 0) return last_error();
    ++stats_.open_files;
  }
  f.pending.append(lines);
  stats_.bytes_in += lines.size();
  stats_.records += static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
  if (f.pending.size() >= config_.max_buffer_bytes) return flush_stream(f);
  return {};
}

std::error_code file_sink::flush_stream(stream_file& f) {
  if (f.pending.empty() || f.fd < 0) return {};
  frame_.resize(ZSTD_compressBound(f.pending.size()));
  const std::size_t n =
      ZSTD_compress2(zstd_->cctx, frame_.data(), frame_.size(), f.pending.data(), f.pending.size());
  if (ZSTD_isError(n)) return std::make_error_code(std::errc::io_error);
  if (auto ec = write_all(f.fd, frame_.data(), n)) return ec;
  if (config_.fsync && ::fdatasync(f.fd) != 0) return last_error();
  stats_.bytes_out += n;
  ++stats_.frames;
  f.pending.clear();
  return {};
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
