#include "sim/blast.hpp"

#include "sim/binance_spot_dialect.hpp"

namespace sf::sim {

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
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  out.append(payload);
}

namespace {

struct collector final : market_stream::listener {
  blast_block* block;
  explicit collector(blast_block* b) : block(b) {}
  void on_trade(const market_stream& s, const trade_event& t) override {
    append_ws_frame(block->bytes, binance::trade_payload(s, t, t.ts, false));
    ++block->frames;
  }
  void on_book_update(const market_stream&, const book_update&) override {}
};

}  // namespace

blast_block make_blast_block(std::size_t frames_per_block, std::uint64_t seed) {
  blast_block block;
  market_config c;
  c.seed = seed;
  c.rate = 1000;
  c.depth = 20;
  market_stream s("binance-spot", *make_instrument("BTCUSDT"), c);
  collector sink(&block);
  block.bytes.reserve(frames_per_block * 180);
  duration t{0};
  while (block.frames < frames_per_block) {
    t += milliseconds{1};
    s.advance_to(t, sink);
  }
  return block;
}

}  // namespace sf::sim
