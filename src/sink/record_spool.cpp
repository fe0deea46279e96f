#include "steadyfeed/sink/record_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace sf {

namespace {

constexpr std::uint64_t first_number = std::uint64_t{1} << 40;  // room to push segments in front
constexpr std::size_t write_buffer_bytes = std::size_t{256} << 10;
constexpr std::size_t read_chunk_bytes = std::size_t{1} << 20;
constexpr std::string_view prefix = "spool-";
constexpr std::string_view suffix = ".dat";

std::error_code last_error() { return {errno, std::generic_category()}; }

std::string fs_path_with_suffix(const std::filesystem::path& p, std::string_view tail) {
  return p.string() + std::string(tail);
}

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// The next space-separated field of a header; false when there is none.
bool field(std::string_view& rest, std::string_view& out) {
  const auto space = rest.find(' ');
  if (space == 0) return false;
  out = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return !out.empty();
}

template <class T>
bool number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool is_kind(std::string_view k, record_kind& out) {
  if (k == "trade") out = record_kind::trade;
  else if (k == "book") out = record_kind::book;
  else if (k == "gap") out = record_kind::gap;
  else return false;
  return true;
}

std::string_view kind_name(record_kind k) {
  switch (k) {
    case record_kind::trade: return "trade";
    case record_kind::book: return "book";
    case record_kind::gap: return "gap";
  }
  return "trade";
}

// A name or id as the header carries it: "-" for empty (a header field is
// never empty), and a space, a line break, '%' or a leading '-' as %XX.
std::string field_text(std::string_view s) {
  if (s.empty()) return "-";
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= ' ' || c == '%' || (i == 0 && c == '-' && s.size() == 1)) {
      constexpr char digits[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> field_value(std::string_view s) {
  if (s == "-") return std::string{};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    unsigned v = 0;
    if (i + 2 >= s.size()) return std::nullopt;
    const auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (r.ec != std::errc{} || r.ptr != s.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

}  // namespace

record_spool::record_spool(record_spool_config config) : config_(std::move(config)) {}

record_spool::~record_spool() {
  write_out();
  if (tail_fd_ >= 0) ::close(tail_fd_);
}

std::filesystem::path record_spool::path_of(std::uint64_t number) const {
  return config_.dir / fmt::format("{}{:020}{}", prefix, number, suffix);
}

void record_spool::encode(std::string& out, const spooled_record& r) {
  fmt::format_to(std::back_inserter(out), "R {} {} {} {} {} {} {}\n", kind_name(r.kind), field_text(r.venue),
                 field_text(r.channel), field_text(r.symbol), field_text(r.id), r.received, r.line.size());
  out.append(r.line);
}

std::size_t record_spool::encoded_size(const spooled_record& r) {
  return fmt::formatted_size("R {} {} {} {} {} {} {}\n", kind_name(r.kind), field_text(r.venue),
                             field_text(r.channel), field_text(r.symbol), field_text(r.id), r.received,
                             r.line.size()) +
         r.line.size();
}

std::optional<spooled_record> record_spool::decode(std::string_view data, std::size_t& pos) {
  const auto eol = data.find('\n', pos);
  if (eol == std::string_view::npos || eol - pos > 4096) return std::nullopt;
  std::string_view rest = data.substr(pos, eol - pos);
  std::string_view tag, kind, venue, channel, symbol, id, received, length;
  if (!field(rest, tag) || tag != "R" || !field(rest, kind) || !field(rest, venue) || !field(rest, channel) ||
      !field(rest, symbol) || !field(rest, id) || !field(rest, received) || !field(rest, length) || !rest.empty())
    return std::nullopt;
  spooled_record r;
  std::size_t size = 0;
  if (!is_kind(kind, r.kind) || !number(received, r.received) || !number(length, size)) return std::nullopt;
  if (data.size() - (eol + 1) < size) return std::nullopt;
  r.line.assign(data.substr(eol + 1, size));
  if (r.line.empty() || r.line.back() != '\n') return std::nullopt;
  auto v = field_value(venue), c = field_value(channel), sy = field_value(symbol), i = field_value(id);
  if (!v || !c || !sy || !i) return std::nullopt;
  r.venue = std::move(*v);
  r.channel = std::move(*c);
  r.symbol = std::move(*sy);
  r.id = std::move(*i);
  pos = eol + 1 + size;
  return r;
}

std::error_code record_spool::open() {
  std::error_code ec;
  std::filesystem::create_directories(config_.dir, ec);
  if (ec) return ec;
  std::vector<std::uint64_t> numbers;
  for (const auto& entry : std::filesystem::directory_iterator(config_.dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    std::uint64_t n = 0;
    if (number(std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - suffix.size()), n))
      numbers.push_back(n);
  }
  if (ec) return ec;
  std::sort(numbers.begin(), numbers.end());
  for (const auto n : numbers)
    if (auto e = load_segment(n)) return e;
  stats_.unread = stats_.records;
  read_segment_ = segments_.empty() ? 0 : segments_.front().number;
  read_offset_ = 0;
  return {};
}

// Checks a segment a previous run left: whole records are kept, a torn tail
// is cut off, and an empty segment is removed.
std::error_code record_spool::load_segment(std::uint64_t n) {
  const auto path = path_of(n);
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return last_error();
  std::string data;
  char chunk[1 << 16];
  while (true) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      const auto ec = last_error();
      ::close(fd);
      return ec;
    }
    if (got == 0) break;
    data.append(chunk, static_cast<std::size_t>(got));
  }
  // Whole records are kept. Damage between them (bytes that are no record)
  // is stepped over to the next record header, and counted; a tail cut
  // short by a crash is cut off.
  std::string kept;
  std::size_t pos = 0;
  std::uint64_t records = 0, damaged = 0;
  while (pos < data.size()) {
    const std::size_t at = pos;
    if (decode(data, pos)) {
      kept.append(data, at, pos - at);
      ++records;
      continue;
    }
    std::size_t next = data.find("\nR ", at);
    while (next != std::string::npos) {
      std::size_t probe = next + 1;
      if (decode(data, probe)) break;
      next = data.find("\nR ", next + 1);
    }
    if (next == std::string::npos) break;  // the torn tail
    damaged += next + 1 - at;
    pos = next + 1;
  }
  const std::uint64_t torn = data.size() - pos;
  stats_.torn_bytes_removed += torn;
  stats_.damaged_bytes += damaged;
  if (damaged > 0) {
    // Written whole beside it, then renamed over it: never half of either.
    const auto fresh = fs_path_with_suffix(path, ".rewrite");
    const int out = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::error_code ec = out < 0 ? last_error() : write_all(out, kept);
    if (out >= 0) ::close(out);
    if (!ec && ::rename(fresh.c_str(), path.c_str()) != 0) ec = last_error();
    if (ec) {
      ::close(fd);
      return ec;
    }
    pos = kept.size();
  } else if (torn > 0 && ::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
    const auto ec = last_error();
    ::close(fd);
    return ec;
  }
  ::close(fd);
  if (records == 0) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return ec;
  }
  segments_.push_back(segment{n, pos, records});
  stats_.bytes += pos;
  stats_.records += records;
  stats_.segments = segments_.size();
  return {};
}

std::error_code record_spool::open_tail(std::uint64_t n) {
  if (tail_fd_ >= 0) ::close(tail_fd_);
  tail_fd_ = ::open(path_of(n).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return tail_fd_ < 0 ? last_error() : std::error_code{};
}

std::error_code record_spool::write_out() {
  if (buffer_.empty()) return {};
  if (tail_fd_ < 0) {
    if (segments_.empty()) return std::make_error_code(std::errc::bad_file_descriptor);
    if (auto ec = open_tail(segments_.back().number)) return ec;
  }
  const off_t before = ::lseek(tail_fd_, 0, SEEK_END);
  if (auto ec = write_all(tail_fd_, buffer_)) {
    // A part written is cut off again: the file holds whole records only.
    if (before >= 0 && ::ftruncate(tail_fd_, before) != 0) {
      // Then open() cuts the torn tail at the next start.
    }
    return ec;
  }
  if (config_.fsync && ::fdatasync(tail_fd_) != 0) return last_error();
  buffer_.clear();
  return {};
}

std::error_code record_spool::append_encoded(std::size_t records) {
  if (segments_.empty() || segments_.back().bytes >= config_.segment_bytes) {
    if (auto ec = write_out()) return ec;
    const std::uint64_t n = segments_.empty() ? first_number : segments_.back().number + 1;
    if (auto ec = open_tail(n)) return ec;
    segments_.push_back(segment{n, 0, 0});
    stats_.segments = segments_.size();
    if (segments_.size() == 1) {
      read_segment_ = n;
      read_offset_ = 0;
    }
  } else if (tail_fd_ < 0) {
    if (auto ec = open_tail(segments_.back().number)) return ec;
  }
  buffer_.append(encoded_);
  segments_.back().bytes += encoded_.size();
  segments_.back().records += records;
  stats_.bytes += encoded_.size();
  stats_.records += records;
  stats_.unread += records;
  // A failed write keeps the buffer (it is counted against max_bytes): the
  // record is kept, and flush() says what went wrong.
  if (buffer_.size() >= write_buffer_bytes) write_error_ = write_out();
  return {};
}

std::error_code record_spool::append(const spooled_record& r) {
  encoded_.clear();
  encode(encoded_, r);
  if (stats_.bytes + encoded_.size() > config_.max_bytes) {
    ++stats_.refused;
    return std::make_error_code(std::errc::no_space_on_device);
  }
  return append_encoded(1);
}

std::error_code record_spool::append_always(const spooled_record& r) {
  encoded_.clear();
  encode(encoded_, r);
  return append_encoded(1);
}

std::error_code record_spool::push_front(const std::vector<spooled_record>& rs) {
  if (rs.empty()) return {};
  if (segments_.empty()) {
    for (const auto& r : rs)
      if (auto ec = append_always(r)) return ec;
    return write_out();
  }
  if (auto ec = write_out()) return ec;
  const std::uint64_t n = segments_.front().number - 1;
  std::string data;
  for (const auto& r : rs) encode(data, r);
  const int fd = ::open(path_of(n).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return last_error();
  auto ec = write_all(fd, data);
  if (!ec && config_.fsync && ::fdatasync(fd) != 0) ec = last_error();
  ::close(fd);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(path_of(n), ignored);
    return ec;
  }
  segments_.insert(segments_.begin(), segment{n, data.size(), rs.size()});
  stats_.segments = segments_.size();
  stats_.bytes += data.size();
  stats_.records += rs.size();
  // Reading starts again at the new head; what was read after it comes again.
  read_segment_ = n;
  read_offset_ = 0;
  read_data_loaded_ = false;
  stats_.unread = stats_.records;
  return {};
}

std::error_code record_spool::flush() {
  write_error_ = write_out();
  return write_error_;
}

bool record_spool::load_window(std::size_t want, std::error_code& ec) {
  const int fd = ::open(path_of(read_segment_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ec = last_error();
    return false;
  }
  read_data_.resize(want);
  std::size_t have = 0;
  while (have < want) {
    const ssize_t n = ::pread(fd, read_data_.data() + have, want - have, static_cast<off_t>(read_offset_ + have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (have < want) {
    // The file is shorter than what was written to it: removed or cut by hand.
    ec = std::make_error_code(std::errc::io_error);
    return false;
  }
  read_data_.resize(have);
  read_data_segment_ = read_segment_;
  read_data_loaded_ = true;
  return true;
}

std::size_t record_spool::read(std::vector<spooled_record>& out, std::size_t max, std::error_code& ec) {
  ec = write_out();
  if (ec) return 0;
  std::size_t taken = 0;
  bool fresh = false;
  while (taken < max) {
    auto seg = std::find_if(segments_.begin(), segments_.end(),
                            [&](const segment& s) { return s.number == read_segment_; });
    if (seg == segments_.end()) break;
    if (read_offset_ >= seg->bytes) {
      if (std::next(seg) == segments_.end()) break;  // at the tail's end: nothing unread
      read_segment_ = std::next(seg)->number;
      read_offset_ = 0;
      read_data_loaded_ = false;
      continue;
    }
    const std::uint64_t remaining = seg->bytes - read_offset_;
    // read_data_ is a window on the segment from read_offset_ on.
    if (!read_data_loaded_ || read_data_segment_ != read_segment_ || read_data_.empty()) {
      if (!load_window(static_cast<std::size_t>(std::min<std::uint64_t>(remaining, read_chunk_bytes)), ec))
        return taken;
      fresh = true;
    }
    std::size_t pos = 0;
    while (taken < max) {
      auto r = decode(read_data_, pos);
      if (!r) break;
      out.push_back(std::move(*r));
      ++taken;
      --stats_.unread;
    }
    read_offset_ += pos;
    read_data_.erase(0, pos);
    if (taken == max || read_offset_ >= seg->bytes) continue;
    if (pos > 0 || !fresh) {
      read_data_loaded_ = false;  // the window ends in part of a record: read on from the file
      fresh = false;
      continue;
    }
    // A fresh window without one whole record: a record larger than the
    // window (its header says how large), or damage.
    const auto eol = read_data_.find('\n');
    const auto last_space = eol == std::string::npos ? std::string::npos : read_data_.rfind(' ', eol);
    std::size_t length = 0;
    if (last_space == std::string::npos ||
        !number(std::string_view(read_data_).substr(last_space + 1, eol - last_space - 1), length) ||
        eol + 1 + length <= read_data_.size() || eol + 1 + length > remaining) {
      ec = std::make_error_code(std::errc::illegal_byte_sequence);
      return taken;
    }
    if (!load_window(eol + 1 + length, ec)) return taken;
  }
  return taken;
}

std::error_code record_spool::commit(mark m) {
  while (!segments_.empty() && segments_.front().number < m.segment) {
    const segment s = segments_.front();
    if (s.number == segments_.back().number) break;  // never the tail
    std::error_code ec;
    std::filesystem::remove(path_of(s.number), ec);
    if (ec) return ec;
    segments_.erase(segments_.begin());
    stats_.bytes -= s.bytes;
    stats_.records -= s.records;
    stats_.segments = segments_.size();
  }
  // The tail itself, once all of it was read and delivered: start afresh.
  if (segments_.size() == 1 && m.segment == segments_.front().number && m.offset >= segments_.front().bytes &&
      buffer_.empty() && stats_.unread == 0) {
    const segment s = segments_.front();
    if (tail_fd_ >= 0) {
      ::close(tail_fd_);
      tail_fd_ = -1;
    }
    std::error_code ec;
    std::filesystem::remove(path_of(s.number), ec);
    if (ec) return ec;
    segments_.clear();
    stats_.bytes = 0;
    stats_.records = 0;
    stats_.segments = 0;
    read_segment_ = 0;
    read_offset_ = 0;
    read_data_loaded_ = false;
  }
  return {};
}

}  // namespace sf
