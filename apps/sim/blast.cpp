#include "sim/blast.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

#include "sim/binance_spot_dialect.hpp"
#include "sim/okx_dialect.hpp"

namespace sf::sim {

namespace {

constexpr std::string_view blast_path = "/_sim/blast";
// Added to the market's ids (9 digits) so that every blast id has 12 and a
// session can run for hundreds of billions of frames before one needs a 13th.
constexpr std::uint64_t id_offset = 100'000'000'000ULL;
constexpr std::uint64_t id_limit = 1'000'000'000'000ULL;     // 10^12
constexpr std::uint64_t time_limit = 10'000'000'000'000ULL;  // 10^13 ms: the year 2286

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size())
    return std::nullopt;
  return v;
}

// `frames=N` in a query string; the default when absent.
std::optional<std::uint64_t> frames_in_query(std::string_view query, std::uint64_t fallback) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (param.starts_with("frames=")) return parse_count(param.substr(7));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return fallback;
}

// "<symbol>@trade" → "BTCUSDT"; nullopt for any other stream.
std::optional<std::string> trade_stream_symbol(std::string_view stream) {
  const auto name = binance::parse_stream(stream);
  if (!name || name->kind != binance::stream_kind::trade) return std::nullopt;
  std::string symbol = name->symbol;
  std::transform(symbol.begin(), symbol.end(), symbol.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  return symbol;
}

// Adds `delta` to the `width` decimal digits at `p`, in place. The caller
// guarantees the sum still has `width` digits.
void add_digits(char* p, std::size_t width, std::uint64_t delta) noexcept {
  for (std::size_t k = width; k-- > 0 && delta != 0;) {
    const auto sum = static_cast<std::uint64_t>(p[k] - '0') + delta % 10;
    delta = delta / 10 + (sum >= 10 ? 1 : 0);
    p[k] = static_cast<char>('0' + sum % 10);
  }
}

// Offset of the number after `"<key>":` in `text` (searching from `from`),
// if it has exactly `width` digits.
std::optional<std::uint32_t> number_at(std::string_view text, std::size_t from,
                                       std::string_view key, std::size_t width) {
  const auto k = text.find(key, from);
  if (k == std::string_view::npos) return std::nullopt;
  const std::size_t start = k + key.size();
  std::size_t end = start;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end - start != width) return std::nullopt;
  return static_cast<std::uint32_t>(start);
}

struct collector final : market_stream::listener {
  std::vector<trade_event>* trades;
  explicit collector(std::vector<trade_event>* t) : trades(t) {}
  void on_trade(const market_stream&, const trade_event& t) override { trades->push_back(t); }
  void on_book_update(const market_stream&, const book_update&) override {}
};

// Appends one trade's frame to the block and indexes its numbers.
bool append_trade(blast_block& block, const market_stream& s, trade_event t, blast_shape shape,
                  std::string_view stream) {
  t.id += id_offset;
  std::string text;
  std::size_t payload_in_text = 0;
  switch (shape) {
    case blast_shape::binance_raw:
      text = binance::trade_payload(s, t, t.ts, false);
      break;
    case blast_shape::binance_combined: {
      const std::string payload = binance::trade_payload(s, t, t.ts, false);
      text = binance::wrap_combined(stream, payload);
      payload_in_text = text.size() - payload.size() - 1;
      break;
    }
    case blast_shape::okx_trades:
      text = okx_ws::trades_frame(s, t);
      break;
  }
  blast_frame f;
  f.offset = static_cast<std::uint32_t>(block.bytes.size());
  append_ws_frame(block.bytes, text);
  f.payload_offset = static_cast<std::uint32_t>(block.bytes.size() - text.size());
  f.payload_size = static_cast<std::uint32_t>(text.size());
  // Every number's key and width, as the venue writes them.
  struct number {
    std::string_view key;
    std::size_t width;
    std::uint32_t* at;
  };
  std::array<number, 3> numbers{};
  if (shape == blast_shape::okx_trades)
    numbers = {number{R"("tradeId":")", blast_id_digits, &f.id_at[0]},
               number{R"("seqId":)", blast_id_digits, &f.id_at[1]},
               number{R"("ts":")", blast_time_digits, &f.time_at[0]}};
  else
    numbers = {number{R"("t":)", blast_id_digits, &f.id_at[0]},
               number{R"("E":)", blast_time_digits, &f.time_at[0]},
               number{R"("T":)", blast_time_digits, &f.time_at[1]}};
  for (const number& n : numbers) {
    const auto at = number_at(text, payload_in_text, n.key, n.width);
    if (!at) return false;
    *n.at = f.payload_offset + *at;
  }
  block.index.push_back(f);
  ++block.frames;
  return true;
}

// "btcusdt@trade" → BTCUSDT; "BTC-USDT" → BTCUSDT (OKX); nullopt otherwise.
std::optional<std::string> block_symbol(blast_shape shape, std::string_view symbol) {
  if (shape != blast_shape::okx_trades) return trade_stream_symbol(symbol);
  const auto dash = symbol.find('-');
  if (dash == std::string_view::npos || symbol.find('-', dash + 1) != std::string_view::npos)
    return std::nullopt;
  return std::string(symbol.substr(0, dash)) + std::string(symbol.substr(dash + 1));
}

}  // namespace

std::size_t blast_block::prefix_bytes(std::size_t n) const noexcept {
  return n >= frames ? bytes.size() : index[n].offset;
}

std::string_view blast_block::payload(std::string_view copy, std::size_t i) const noexcept {
  return copy.substr(index[i].payload_offset, index[i].payload_size);
}

std::uint64_t blast_block::max_frames() const noexcept {
  if (frames == 0) return 0;
  const std::uint64_t by_id = first_id < id_limit ? id_limit - first_id : 0;
  const std::uint64_t repetitions =
      last_ms < time_limit ? (time_limit - 1 - last_ms) / span_ms + 1 : 0;
  const std::uint64_t by_time =
      repetitions > UINT64_MAX / frames ? UINT64_MAX : repetitions * frames;
  return std::min(by_id, by_time);
}

std::optional<blast_request> parse_blast_target(std::string_view target) {
  if (!target.starts_with(blast_path)) return std::nullopt;
  std::string_view rest = target.substr(blast_path.size());
  blast_request out;
  if (rest.empty() || rest.front() == '?') {
    const auto frames = frames_in_query(rest.empty() ? rest : rest.substr(1), out.frames);
    if (!frames) return std::nullopt;
    out.frames = *frames;
    return out;
  }
  if (rest.front() != '/') return std::nullopt;
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto frames = parse_count(rest.substr(0, slash));
  const auto url = binance::parse_url(rest.substr(slash));
  // One trade stream in milliseconds: the layout the block reserves digits for.
  if (!frames || !url || !url->combined || url->micro || url->streams.size() != 1)
    return std::nullopt;
  if (!trade_stream_symbol(url->streams.front())) return std::nullopt;
  out.frames = *frames;
  out.stream = url->streams.front();
  return out;
}

void append_ws_frame(std::string& out, std::string_view payload) {
  out.push_back(static_cast<char>(0x81));  // FIN + text
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  out.append(payload);
}

std::optional<venue_blast_request> parse_venue_blast_target(std::string_view target) {
  constexpr std::string_view binance_prefix = "/binance-spot";
  if (target == "/okx/ws/v5/public") return venue_blast_request{blast_shape::okx_trades, {}};
  if (!target.starts_with(binance_prefix)) return std::nullopt;
  const auto url = binance::parse_url(target.substr(binance_prefix.size()));
  // One trade stream in milliseconds: the layout the block reserves digits for.
  if (!url || url->micro || url->streams.size() != 1 || !trade_stream_symbol(url->streams.front()))
    return std::nullopt;
  return venue_blast_request{url->combined ? blast_shape::binance_combined : blast_shape::binance_raw,
                             url->streams.front()};
}

std::optional<blast_block> make_blast_block(std::size_t frames_per_block, std::uint64_t seed,
                                            std::string_view stream) {
  // Raw payloads are BTCUSDT's.
  if (stream.empty()) return make_blast_block(blast_shape::binance_raw, frames_per_block, seed, "btcusdt@trade");
  return make_blast_block(blast_shape::binance_combined, frames_per_block, seed, stream);
}

std::optional<blast_block> make_blast_block(blast_shape shape, std::size_t frames_per_block,
                                            std::uint64_t seed, std::string_view symbol) {
  const auto name = block_symbol(shape, symbol);
  if (!name || frames_per_block == 0) return std::nullopt;
  const auto inst = make_instrument(*name);
  if (!inst) return std::nullopt;
  market_config c;
  c.seed = seed;
  c.rate = 1000;
  c.depth = 20;
  market_stream s(shape == blast_shape::okx_trades ? "okx" : "binance-spot", *inst, c);
  std::vector<trade_event> trades;
  collector sink(&trades);
  duration t{0};
  while (trades.size() < frames_per_block) {
    t += milliseconds{1};
    s.advance_to(t, sink);
  }
  trades.resize(frames_per_block);

  blast_block block;
  block.bytes.reserve(frames_per_block * (220 + symbol.size()));
  block.index.reserve(frames_per_block);
  for (const auto& trade : trades)
    if (!append_trade(block, s, trade, shape, symbol)) return std::nullopt;
  block.first_id = trades.front().id + id_offset;
  block.first_ms = static_cast<std::uint64_t>(trades.front().ts / 1000);
  block.last_ms = static_cast<std::uint64_t>(trades.back().ts / 1000);
  // The next repetition's first trade follows the last one by a millisecond.
  block.span_ms = block.last_ms - block.first_ms + 1;
  return block;
}

void advance_repetition(const blast_block& block, std::string& copy) noexcept {
  char* bytes = copy.data();
  for (const blast_frame& f : block.index) {
    for (const std::uint32_t at : f.id_at)
      if (at != 0) add_digits(bytes + at, blast_id_digits, block.frames);
    for (const std::uint32_t at : f.time_at)
      if (at != 0) add_digits(bytes + at, blast_time_digits, block.span_ms);
  }
}

bool limit_unsent_bytes(int native_socket) noexcept {
  const int limit = blast_unsent_limit;
  return ::setsockopt(native_socket, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &limit, sizeof limit) == 0;
}

}  // namespace sf::sim
