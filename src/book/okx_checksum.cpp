#include "book/okx_checksum.hpp"

#include <algorithm>
#include <boost/crc.hpp>

namespace sf {
namespace {

// Feeds the interleaved "px:sz" sequence to `sink`, with ':' between items.
// `bid(i)` and `ask(i)` give the i-th level from the best.
template <typename Bid, typename Ask, typename Sink>
void for_each_piece(std::size_t bid_count, Bid&& bid, std::size_t ask_count, Ask&& ask,
                    std::size_t depth, Sink&& sink) {
  bool first = true;
  char buf[32];
  auto put = [&](const decimal& d) {
    if (!first) sink(std::string_view(":", 1));
    first = false;
    sink(std::string_view(buf, d.write(buf)));
  };
  const std::size_t n = std::min(depth, std::max(bid_count, ask_count));
  for (std::size_t i = 0; i < n; ++i) {
    if (i < bid_count) {
      put(bid(i).price);
      put(bid(i).qty);
    }
    if (i < ask_count) {
      put(ask(i).price);
      put(ask(i).qty);
    }
  }
}

std::int32_t crc_of(std::size_t bid_count, auto&& bid, std::size_t ask_count, auto&& ask,
                    std::size_t depth) noexcept {
  boost::crc_32_type crc;
  for_each_piece(bid_count, bid, ask_count, ask, depth,
                 [&](std::string_view s) { crc.process_bytes(s.data(), s.size()); });
  // Two's complement reinterpretation: OKX sends the CRC as a signed int32.
  return static_cast<std::int32_t>(crc.checksum());
}

}  // namespace

std::int32_t okx_checksum(std::span<const price_level> bids, std::span<const price_level> asks,
                          std::size_t depth) noexcept {
  return crc_of(
      bids.size(), [&](std::size_t i) -> const price_level& { return bids[i]; }, asks.size(),
      [&](std::size_t i) -> const price_level& { return asks[i]; }, depth);
}

std::int32_t okx_checksum(const order_book& book, std::size_t depth) noexcept {
  // The book stores each side worst first; walk both from the back.
  const auto bids = book.bids_worst_first();
  const auto asks = book.asks_worst_first();
  return crc_of(
      bids.size(), [&](std::size_t i) -> const price_level& { return bids[bids.size() - 1 - i]; },
      asks.size(), [&](std::size_t i) -> const price_level& { return asks[asks.size() - 1 - i]; },
      depth);
}

std::string okx_checksum_text(std::span<const price_level> bids, std::span<const price_level> asks,
                              std::size_t depth) {
  std::string out;
  for_each_piece(
      bids.size(), [&](std::size_t i) -> const price_level& { return bids[i]; }, asks.size(),
      [&](std::size_t i) -> const price_level& { return asks[i]; }, depth,
      [&](std::string_view s) { out += s; });
  return out;
}

std::string_view to_string(checksum_verdict v) noexcept {
  switch (v) {
    case checksum_verdict::not_provided:
      return "not_provided";
    case checksum_verdict::match:
      return "match";
    case checksum_verdict::mismatch:
      return "mismatch";
  }
  return "unknown";
}

checksum_verdict verify_okx_checksum(std::int64_t received, std::span<const price_level> bids,
                                     std::span<const price_level> asks) noexcept {
  if (received == 0) return checksum_verdict::not_provided;
  return okx_checksum(bids, asks) == received ? checksum_verdict::match
                                              : checksum_verdict::mismatch;
}

}  // namespace sf
