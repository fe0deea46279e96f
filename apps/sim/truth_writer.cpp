#include "sim/truth_writer.hpp"

#include <stdexcept>

namespace sf::sim {

namespace {

constexpr std::size_t file_buffer_bytes = 1 << 20;

void append_levels(std::string& out, const std::vector<level>& levels, number_style style) {
  out.push_back('[');
  bool first = true;
  for (const auto& l : levels) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    append_decimal(out, l.price, style);
    out.push_back(',');
    append_decimal(out, l.qty, style);
    out.push_back(']');
  }
  out.push_back(']');
}

void append_head(std::string& out, std::string_view type, const market_stream& stream) {
  out += R"({"type":")";
  out += type;
  out += R"(","venue":")";
  out += stream.venue();
  out += R"(","symbol":")";
  out += stream.venue_symbol();
  out += '"';
}

}  // namespace

truth_writer::truth_writer(std::filesystem::path dir, const std::vector<const market_stream*>& streams,
                           std::size_t checkpoint_every)
    : dir_(std::move(dir)), checkpoint_every_(checkpoint_every == 0 ? 1 : checkpoint_every) {
  for (const auto* stream : streams) {
    const auto venue_dir = dir_ / stream->venue();
    std::error_code ec;
    std::filesystem::create_directories(venue_dir / "trades", ec);
    std::filesystem::create_directories(venue_dir / "book", ec);
    if (ec) throw std::runtime_error("cannot create truth directory " + venue_dir.string() + ": " + ec.message());
    files f;
    f.stream = stream;
    f.trades = open(venue_dir / "trades" / (stream->venue_symbol() + ".ndjson"));
    f.book = open(venue_dir / "book" / (stream->venue_symbol() + ".ndjson"));
    f.checkpoints = open(venue_dir / "book" / (stream->venue_symbol() + ".checkpoints.ndjson"));
    write(f.checkpoints.get(), checkpoint_record(*stream));
    files_.emplace(stream, std::move(f));
  }
}

truth_writer::~truth_writer() { close(); }

truth_writer::file_ptr truth_writer::open(const std::filesystem::path& path) {
  file_ptr f{std::fopen(path.c_str(), "w")};
  if (!f) throw std::runtime_error("cannot open truth file " + path.string());
  std::setvbuf(f.get(), nullptr, _IOFBF, file_buffer_bytes);
  return f;
}

void truth_writer::write(std::FILE* f, const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), f);
  std::fputc('\n', f);
}

void truth_writer::on_trade(const market_stream& stream, const trade_event& trade) {
  const auto it = files_.find(&stream);
  if (it == files_.end() || closed_) return;
  write(it->second.trades.get(), trade_record(stream, trade));
}

void truth_writer::on_book_update(const market_stream& stream, const book_update& update) {
  const auto it = files_.find(&stream);
  if (it == files_.end() || closed_) return;
  write(it->second.book.get(), book_record(stream, update));
  if (++it->second.updates_since_checkpoint >= checkpoint_every_) {
    it->second.updates_since_checkpoint = 0;
    write(it->second.checkpoints.get(), checkpoint_record(stream));
  }
}

void truth_writer::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& [stream, f] : files_) {
    if (f.updates_since_checkpoint > 0) write(f.checkpoints.get(), checkpoint_record(*stream));
    f.trades.reset();
    f.book.reset();
    f.checkpoints.reset();
  }
}

std::string truth_writer::trade_record(const market_stream& stream, const trade_event& trade) {
  const auto style = stream.numbers();
  std::string out;
  out.reserve(224);
  append_head(out, "trade", stream);
  out += R"(,"id":")";
  out += std::to_string(trade.id);
  out += R"(","price":)";
  append_decimal(out, trade.price, style);
  out += R"(,"qty":)";
  append_decimal(out, trade.qty, style);
  out += trade.buyer_is_maker ? R"(,"side":"sell")" : R"(,"side":"buy")";
  // The trade time as the venues publish it by default: whole milliseconds
  // (Binance's T without timeUnit=MICROSECOND, OKX's ts).
  out += R"(,"ts_exchange":)";
  out += std::to_string(trade.ts / 1000 * 1000);
  out += R"(,"ts_recv":)";
  out += std::to_string(trade.ts);
  out += '}';
  return out;
}

std::string truth_writer::book_record(const market_stream& stream, const book_update& update) {
  const auto style = stream.numbers();
  std::string out;
  out.reserve(256);
  append_head(out, "book", stream);
  out += R"(,"seq":)";
  out += std::to_string(update.last_seq);
  out += R"(,"prev_seq":)";
  out += std::to_string(update.prev_seq);
  out += R"(,"snapshot":false,"bids":)";
  append_levels(out, update.bids, style);
  out += R"(,"asks":)";
  append_levels(out, update.asks, style);
  out += R"(,"ts_exchange":)";
  out += std::to_string(update.ts);
  out += R"(,"ts_recv":)";
  out += std::to_string(update.ts);
  out += '}';
  return out;
}

std::string truth_writer::checkpoint_record(const market_stream& stream) {
  const auto style = stream.numbers();
  const auto ts = std::to_string(stream.wall_at(stream.now()));
  std::string out;
  append_head(out, "book", stream);
  out += R"(,"seq":)";
  out += std::to_string(stream.last_seq());
  out += R"(,"prev_seq":-1,"snapshot":true,"bids":)";
  append_levels(out, stream.book().top(book_side::bid, 0), style);
  out += R"(,"asks":)";
  append_levels(out, stream.book().top(book_side::ask, 0), style);
  out += R"(,"ts_exchange":)";
  out += ts;
  out += R"(,"ts_recv":)";
  out += ts;
  out += '}';
  return out;
}

}  // namespace sf::sim
