#include "sim/binance_spot_session.hpp"

#include <cctype>

namespace sf::sim {

namespace {

// Stream names carry the symbol in lowercase ("btcusdt@trade").
std::string stream_symbol(const market_stream& s) {
  std::string out = s.venue_symbol();
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::unique_ptr<binance_spot_session> binance_spot_session::open(std::string_view target,
                                                                 std::size_t max_streams) {
  const auto url = binance::parse_url(target);
  if (!url || (max_streams != 0 && url->streams.size() > max_streams)) return nullptr;
  return std::make_unique<binance_spot_session>(*url, max_streams);
}

binance_spot_session::binance_spot_session(const binance::url_request& url, std::size_t max_streams)
    : control_(url.combined, max_streams, url.streams), micro_(url.micro) {
  refresh_streams();
}

void binance_spot_session::refresh_streams() {
  streams_.clear();
  for (const auto& s : control_.streams())
    if (auto parsed = binance::parse_stream(s)) streams_.push_back(std::move(*parsed));
}

std::string binance_spot_session::framed(const binance::stream_name& stream,
                                         std::string payload) const {
  return control_.combined() ? binance::wrap_combined(stream.text, payload) : payload;
}

void binance_spot_session::on_text(std::string_view text, session_link& link) {
  if (!link.count_inbound()) {
    link.close(1008, "Too many requests", "inbound message rate exceeded");
    return;
  }
  const auto r = control_.handle(text);
  if (r.changed) refresh_streams();
  if (!r.reply.empty()) link.push_text(r.reply);
}

void binance_spot_session::on_control_frame(session_link& link) {
  if (!link.count_inbound()) link.close(1008, "Too many requests", "inbound message rate exceeded");
}

void binance_spot_session::on_trade(const market_stream& s, const trade_event& t,
                                    frame_cache& cache, session_link& link) {
  const auto symbol = stream_symbol(s);
  const bool combined = control_.combined();
  for (const auto& stream : streams_) {
    if (stream.symbol != symbol) continue;
    if (stream.kind != binance::stream_kind::trade &&
        stream.kind != binance::stream_kind::agg_trade)
      continue;
    const std::string key = stream.text + (combined ? "|c" : "|r") + (micro_ ? "|u" : "|m");
    link.push(cache.get(key, [&] {
      return framed(stream, stream.kind == binance::stream_kind::trade
                                ? binance::trade_payload(s, t, t.ts, micro_)
                                : binance::agg_trade_payload(s, t, t.ts, micro_));
    }));
  }
}

void binance_spot_session::on_book_update(const market_stream& s, const book_update&,
                                          frame_cache& cache, session_link& link) {
  // Diff and partial depth are pushed per window (on_book_window); the book
  // ticker is real-time.
  const auto symbol = stream_symbol(s);
  const bool combined = control_.combined();
  for (const auto& stream : streams_) {
    if (stream.symbol != symbol || stream.kind != binance::stream_kind::book_ticker) continue;
    const std::string key = stream.text + (combined ? "|c" : "|r");
    link.push(cache.get(key, [&] { return framed(stream, binance::book_ticker_payload(s)); }));
  }
}

void binance_spot_session::on_book_window(const market_stream& s, const depth_window::closed& w,
                                          duration length, frame_cache& cache, session_link& link) {
  const bool fast = length < seconds{1};  // @100ms, else the 1000 ms default
  const auto symbol = stream_symbol(s);
  const bool combined = control_.combined();
  for (const auto& stream : streams_) {
    if (stream.symbol != symbol || stream.fast != fast) continue;
    const std::string key = stream.text + (combined ? "|c" : "|r") + (micro_ ? "|u" : "|m");
    if (stream.kind == binance::stream_kind::depth) {
      if (!w.merged) continue;
      // A sequence gap drops whole events: the next one's U jumps past u + 1.
      if (link.take_gap(s)) continue;
      link.push(cache.get(key, [&] {
        return framed(stream, binance::depth_update_payload(s, *w.merged, micro_));
      }));
    } else if (stream.kind == binance::stream_kind::partial_depth) {
      link.push(cache.get(
          key, [&] { return framed(stream, binance::partial_depth_payload(s, stream.levels)); }));
    }
  }
}

std::string binance_spot_session::maintenance_notice(wall_us now) const {
  const auto payload = binance::server_shutdown_payload(now, micro_);
  return control_.combined() ? binance::wrap_combined("!serverShutdown", payload) : payload;
}

std::string binance_spot_session::malformed_frame() const {
  return R"({"e":"trade","E":17000000,"s":"BTCU)";
}

close_request binance_spot_session::idle_close() const {
  // Binance documents no idle close (its server pings instead); one set up
  // anyway closes with the code clients know from OKX.
  return {4004, "No data received in 30s."};
}

}  // namespace sf::sim
