#include "sim/blast.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

namespace sf::sim {
namespace {

namespace json = boost::json;

// The trade payload of frame `i` of `copy`, unwrapped when combined.
json::object trade_at(const blast_block& b, const std::string& copy, std::size_t i) {
  auto o = json::parse(b.payload(copy, i)).as_object();
  if (o.contains("data")) return o.at("data").as_object();
  return o;
}

TEST(Blast, ParsesTheRawAndCombinedEndpoints) {
  auto raw = parse_blast_target("/_sim/blast?frames=42");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->frames, 42u);
  EXPECT_EQ(raw->stream, "");
  EXPECT_EQ(parse_blast_target("/_sim/blast")->frames, 1'000'000u);

  auto combined = parse_blast_target("/_sim/blast/9000/stream?streams=ethusdt@trade");
  ASSERT_TRUE(combined);
  EXPECT_EQ(combined->frames, 9000u);
  EXPECT_EQ(combined->stream, "ethusdt@trade");

  EXPECT_FALSE(parse_blast_target("/_sim/blast?frames=many"));
  EXPECT_FALSE(parse_blast_target("/_sim/blastx"));
  EXPECT_FALSE(parse_blast_target("/_sim/blast/9000"));
  EXPECT_FALSE(parse_blast_target("/_sim/blast/x/stream?streams=btcusdt@trade"));
  EXPECT_FALSE(parse_blast_target("/_sim/blast/10/ws/btcusdt@trade"));
  EXPECT_FALSE(parse_blast_target("/_sim/blast/10/stream?streams=btcusdt@depth"));
  EXPECT_FALSE(parse_blast_target("/_sim/blast/10/stream?streams=btcusdt@trade/ethusdt@trade"));
  EXPECT_FALSE(
      parse_blast_target("/_sim/blast/10/stream?streams=btcusdt@trade&timeUnit=MICROSECOND"));
}

TEST(Blast, FramesAreCompleteTextFramesIndexedByTheBlock) {
  const auto b = make_blast_block(16, 7);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->frames, 16u);
  ASSERT_EQ(b->index.size(), 16u);
  for (std::size_t i = 0; i < b->frames; ++i) {
    const auto& f = b->index[i];
    EXPECT_EQ(static_cast<unsigned char>(b->bytes[f.offset]), 0x81u);
    // Trade payloads are 126..65535 bytes: a 16-bit length follows the marker.
    const auto byte = [&](std::size_t k) {
      return static_cast<std::size_t>(static_cast<unsigned char>(b->bytes[k]));
    };
    ASSERT_EQ(byte(f.offset + 1), 126u);
    EXPECT_EQ((byte(f.offset + 2) << 8) | byte(f.offset + 3), f.payload_size);
    EXPECT_EQ(f.payload_offset, f.offset + 4);
    EXPECT_EQ(b->prefix_bytes(i), f.offset);
    const auto t = trade_at(*b, b->bytes, i);
    EXPECT_EQ(t.at("s").as_string(), "BTCUSDT");
    EXPECT_EQ(static_cast<std::uint64_t>(t.at("t").as_int64()), b->first_id + i);
  }
  EXPECT_EQ(b->prefix_bytes(b->frames), b->bytes.size());
}

TEST(Blast, RepetitionsContinueIdsAndTimes) {
  const auto b = make_blast_block(64, 3, "btcusdt@trade");
  ASSERT_TRUE(b);
  std::string copy = b->bytes;
  std::uint64_t next_id = b->first_id;
  std::int64_t last_time = 0;
  for (int rep = 0; rep < 5; ++rep) {
    for (std::size_t i = 0; i < b->frames; ++i) {
      const auto wrapped = json::parse(b->payload(copy, i)).as_object();
      EXPECT_EQ(wrapped.at("stream").as_string(), "btcusdt@trade");
      const auto t = trade_at(*b, copy, i);
      EXPECT_EQ(static_cast<std::uint64_t>(t.at("t").as_int64()), next_id++);
      EXPECT_EQ(t.at("E").as_int64(), t.at("T").as_int64());
      EXPECT_GE(t.at("T").as_int64(), last_time);
      last_time = t.at("T").as_int64();
    }
    // Frame sizes never change: the next repetition is the same layout.
    EXPECT_EQ(copy.size(), b->bytes.size());
    advance_repetition(*b, copy);
  }
  // Times keep their spacing across a repetition boundary.
  EXPECT_EQ(trade_at(*b, copy, 0).at("T").as_int64() - trade_at(*b, b->bytes, 0).at("T").as_int64(),
            static_cast<std::int64_t>(5 * b->span_ms));
}

TEST(Blast, VenueUrlsNameTheirShape) {
  const auto raw = parse_venue_blast_target("/binance-spot/ws/ethusdt@trade");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->shape, blast_shape::binance_raw);
  EXPECT_EQ(raw->stream, "ethusdt@trade");
  const auto combined = parse_venue_blast_target("/binance-spot/stream?streams=btcusdt@trade");
  ASSERT_TRUE(combined);
  EXPECT_EQ(combined->shape, blast_shape::binance_combined);
  EXPECT_EQ(parse_venue_blast_target("/okx/ws/v5/public")->shape, blast_shape::okx_trades);
  EXPECT_FALSE(parse_venue_blast_target("/binance-spot/ws/btcusdt@depth"));
  EXPECT_FALSE(parse_venue_blast_target("/binance-spot/ws"));
  EXPECT_FALSE(parse_venue_blast_target("/binance-spot/stream?streams=btcusdt@trade&timeUnit=MICROSECOND"));
  EXPECT_FALSE(parse_venue_blast_target("/okx/ws/v5/business"));
}

TEST(Blast, OkxRepetitionsContinueTradeIdsSeqIdsAndTimes) {
  const auto b = make_blast_block(blast_shape::okx_trades, 32, 3, "ETH-USDT");
  ASSERT_TRUE(b);
  std::string copy = b->bytes;
  std::uint64_t next_id = b->first_id;
  std::string last_ts;
  for (int rep = 0; rep < 4; ++rep) {
    for (std::size_t i = 0; i < b->frames; ++i) {
      const auto o = json::parse(b->payload(copy, i)).as_object();
      EXPECT_EQ(o.at("arg").as_object().at("instId").as_string(), "ETH-USDT");
      const auto& t = o.at("data").as_array().at(0).as_object();
      EXPECT_EQ(std::stoull(std::string(t.at("tradeId").as_string())), next_id);
      EXPECT_EQ(static_cast<std::uint64_t>(t.at("seqId").as_int64()), next_id);
      ++next_id;
      const std::string ts(t.at("ts").as_string());
      EXPECT_EQ(ts.size(), blast_time_digits);
      EXPECT_GE(ts, last_ts);
      last_ts = ts;
    }
    advance_repetition(*b, copy);
  }
  EXPECT_FALSE(make_blast_block(blast_shape::okx_trades, 4, 1, "BTCUSDT"));
}

TEST(Blast, CarriesRippleThroughTheDigits) {
  const auto b = make_blast_block(1, 1);
  ASSERT_TRUE(b);
  std::string copy = b->bytes;
  const std::uint64_t start = b->first_id;
  // Enough repetitions of a one-frame block to carry into every digit below
  // the id's sixth: 10^6 - (start mod 10^6) steps.
  const std::uint64_t steps = 1'000'000 - start % 1'000'000;
  for (std::uint64_t i = 0; i < steps; ++i) advance_repetition(*b, copy);
  EXPECT_EQ(static_cast<std::uint64_t>(trade_at(*b, copy, 0).at("t").as_int64()), start + steps);
}

TEST(Blast, LimitsFramesToWhatTheDigitsHold) {
  const auto b = make_blast_block(4096, 1);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->max_frames(), 1'000'000'000'000ULL - b->first_id);
  EXPECT_GT(b->max_frames(), 800'000'000'000ULL);
  EXPECT_FALSE(make_blast_block(4, 1, "nosuchcoin@trade"));
}

TEST(Blast, LimitsTheUnsentBytesOfASocket) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(limit_unsent_bytes(fd));
  int limit = 0;
  socklen_t size = sizeof limit;
  ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &limit, &size), 0);
  EXPECT_EQ(limit, blast_unsent_limit);
  ::close(fd);
  EXPECT_FALSE(limit_unsent_bytes(-1));
}

}  // namespace
}  // namespace sf::sim
