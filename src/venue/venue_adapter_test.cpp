#include "steadyfeed/venue/venue_adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "steadyfeed/core/record_json.hpp"
#include "venue/venue_fixture.hpp"

namespace sf {
namespace {

TEST(VenueAdapter, FactoryKnowsBothVenues) {
  const auto names = known_venues();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_NE(std::find(names.begin(), names.end(), "binance-spot"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "okx"), names.end());
  for (const auto name : names) {
    auto v = make_venue_adapter(name);
    ASSERT_NE(v, nullptr) << name;
    EXPECT_EQ(v->name(), name);
  }
  EXPECT_EQ(make_venue_adapter("bybit"), nullptr);
  EXPECT_EQ(make_venue_adapter(""), nullptr);
}

TEST(VenueAdapter, EmptyEndpointsMeanProduction) {
  const std::vector<std::string> none;
  EXPECT_EQ(make_venue_adapter("binance-spot")->url(none), "wss://stream.binance.com:9443/stream");
  EXPECT_EQ(make_venue_adapter("binance-spot")->rest_url(), "https://api.binance.com");
  EXPECT_EQ(make_venue_adapter("okx")->url(none), "wss://ws.okx.com:8443/ws/v5/public");
  EXPECT_EQ(make_venue_adapter("okx")->rest_url(), "https://www.okx.com");
}

TEST(VenueAdapter, LocalEndpointsForTheSimulator) {
  auto binance = make_venue_adapter(
      "binance-spot", {"ws://127.0.0.1:9000/binance-spot", "http://127.0.0.1:9000/binance-spot"});
  const std::vector<std::string> topics = {binance->topic(channel::trades, "BTCUSDT"),
                                           binance->topic(channel::book, "BTCUSDT")};
  EXPECT_EQ(binance->url(topics),
            "ws://127.0.0.1:9000/binance-spot/stream?streams=btcusdt@trade/btcusdt@depth@100ms");
  EXPECT_EQ(binance->rest_url() + binance->book_snapshot_request("BTCUSDT").target,
            "http://127.0.0.1:9000/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=1000");
  auto okx = make_venue_adapter(
      "okx", {"ws://127.0.0.1:9000/okx/ws/v5/public", "http://127.0.0.1:9000/okx"});
  EXPECT_EQ(okx->url(topics), "ws://127.0.0.1:9000/okx/ws/v5/public");
  EXPECT_EQ(okx->rest_url() + okx->book_snapshot_request("BTC-USDT").target,
            "http://127.0.0.1:9000/okx/api/v5/market/books?instId=BTC-USDT&sz=400");
}

TEST(VenueAdapter, TopicsOfEveryVenueRoundTrip) {
  for (const auto name : known_venues()) {
    auto v = make_venue_adapter(name);
    const std::string symbol = name == "okx" ? "ETH-USDT" : "ETHUSDT";
    for (const channel c : {channel::trades, channel::book}) {
      const auto parsed = v->parse_topic(v->topic(c, symbol));
      ASSERT_TRUE(parsed) << name << " " << to_string(c);
      EXPECT_EQ(parsed->first, c);
      EXPECT_EQ(parsed->second, symbol);
    }
  }
}

TEST(Channel, Names) {
  EXPECT_EQ(to_string(channel::trades), "trades");
  EXPECT_EQ(to_string(channel::book), "book");
  EXPECT_EQ(parse_channel("trades"), channel::trades);
  EXPECT_EQ(parse_channel("book"), channel::book);
  EXPECT_EQ(parse_channel("books"), std::nullopt);
}

// Everything decode() said about a frame, as text.
std::string described(const inbound& in) {
  std::string out = std::to_string(static_cast<int>(in.kind)) + " seq=" + std::to_string(in.seq) + "/" +
                    std::to_string(in.has_seq) + " stream=" + std::string(in.stream) +
                    " error=" + std::to_string(static_cast<int>(in.error)) + " reason=" + std::string(in.reason) +
                    " reply=" + std::string(in.reply) + "\n";
  if (in.records) {
    for (const auto& t : in.records->trades) append_json(out, "v", t);
    for (const auto& b : in.records->books) append_json(out, "v", b);
  }
  return out;
}

// What each venue sends, as frames: the fixtures, Binance's payloads in
// their combined-stream wrapper as the daemon receives them.
std::vector<std::pair<std::string, std::string>> sample_frames() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* f : {"trade.json", "depth_update.json", "agg_trade.json", "book_ticker.json"})
    out.emplace_back("binance-spot", R"({"stream":"bnbbtc@x","data":)" +
                                         testing::venue_fixture(std::string("binance-spot/") + f) + "}");
  for (const char* f : {"subscribe_ack.json", "server_shutdown_combined.json", "list_subscriptions_reply.json"})
    out.emplace_back("binance-spot", testing::venue_fixture(std::string("binance-spot/") + f));
  for (const auto& line : testing::venue_fixture_lines("binance-spot/error_replies.ndjson"))
    out.emplace_back("binance-spot", line);
  for (const char* f : {"books_snapshot.json", "books_update.json", "notice.json", "subscribe_ack.json",
                        "subscribe_error.json", "trades.json", "trades_all.json"})
    out.emplace_back("okx", testing::venue_fixture(std::string("okx/") + f));
  out.emplace_back("okx", "pong");
  return out;
}

// A frame parsed where it lies must read exactly as its padded copy does,
// whatever the bytes after it (the next frame's, or stale ones); cut short
// anywhere, it must be refused as the copy is. (simdjson peeks at the byte
// after the input, so the reason it gives for a cut document may differ.)
TEST(VenueAdapter, FramesParsedInPlaceReadAsTheirCopiesWhateverFollows) {
  int compared = 0;
  for (const auto& [venue, frame] : sample_frames()) {
    auto copying = make_venue_adapter(venue);
    auto in_place = make_venue_adapter(venue);
    ASSERT_TRUE(copying && in_place);
    for (std::size_t len = 0; len <= frame.size(); ++len) {
      const std::string_view text(frame.data(), len);
      for (const char* after : {"}]\"", "{\"stream\":\"x\",\"data\":{}}", "\\", "1234567"}) {
        std::string buffer(text);
        while (buffer.size() < len + frame_padding) buffer += after;
        const inbound copied = copying->decode(text);
        const inbound parsed = in_place->decode_padded(std::string_view(buffer.data(), len));
        if (copied.kind == inbound_kind::invalid) {
          ASSERT_EQ(parsed.kind, inbound_kind::invalid)
              << venue << " frame cut at " << len << " and followed by " << after << ": " << described(parsed);
        } else {
          ASSERT_EQ(described(parsed), described(copied)) << venue << " frame cut at " << len << " of: " << frame;
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace sf
