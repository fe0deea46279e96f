#include "steadyfeed/core/record_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

namespace sf {
namespace {

TEST(RecordJson, TradeMatchesTheDesignSchema) {
  trade_record t;
  t.symbol = "BTCUSDT";
  t.id = 123;
  t.price = *decimal::parse("43000.10");
  t.qty = *decimal::parse("0.001");
  t.taker = side::buy;
  t.ts_exchange = 1700000000000000;
  t.ts_recv = 1700000000000123;
  std::string out;
  append_json(out, "binance-spot", t);
  EXPECT_EQ(out,
            R"({"type":"trade","venue":"binance-spot","symbol":"BTCUSDT","id":"123","price":43000.10,"qty":0.001,)"
            R"("side":"buy","ts_exchange":1700000000000000,"ts_recv":1700000000000123})"
            "\n");
  EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(RecordJson, BookAndGapAreValidJson) {
  std::vector<price_level> bids{{*decimal::parse("43000.1"), *decimal::parse("0.5")}};
  std::vector<price_level> asks{{*decimal::parse("43000.2"), *decimal::parse("0")}};
  book_record b;
  b.symbol = "BTC-USDT";
  b.seq = 456;
  b.prev_seq = 455;
  b.has_prev_seq = true;
  b.bids = bids;
  b.asks = asks;
  std::string out;
  append_json(out, "okx", b);
  EXPECT_EQ(out,
            R"({"type":"book","venue":"okx","symbol":"BTC-USDT","seq":456,"prev_seq":455,"snapshot":false,)"
            R"("bids":[[43000.1,0.5]],"asks":[[43000.2,0]],"ts_exchange":0,"ts_recv":0})"
            "\n");
  gap_record g{"okx", "trades", "BTC-USDT", "457", "460", "history \"ended\"\n", 5};
  out.clear();
  append_json(out, g);
  const auto v = boost::json::parse(out);
  EXPECT_EQ(v.at("reason").as_string(), "history \"ended\"\n");
  EXPECT_EQ(v.at("from").as_string(), "457");
}

TEST(RecordJson, ControlCharactersAreEscaped) {
  std::string out;
  append_json_string(out, std::string_view("a\x01z", 3));
  EXPECT_EQ(out, "\"a\\u0001z\"");
}

TEST(RecordJson, LongAndEscapedFieldsCrossTheWriteBuffer) {
  // Names longer than the writer's buffer, escapes on both sides of its edge,
  // and a book whose levels fill it several times over.
  const std::string venue(300, 'v');
  std::string symbol = std::string(250, 's') + "\"\\\n\r\t\x1f" + std::string(10, 's');
  trade_record t;
  t.symbol = symbol;
  t.id = 18446744073709551615ULL;
  t.first_id = 1;
  t.price = decimal(-123456789012345678, 18);
  t.qty = decimal(0, 8);
  t.taker = side::sell;
  t.ts_exchange = -5;
  std::string out = "prefix";
  append_json(out, venue, t);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  const auto v = boost::json::parse(std::string_view(out).substr(6)).as_object();
  EXPECT_EQ(v.at("venue").as_string(), venue);
  EXPECT_EQ(v.at("symbol").as_string(), symbol);
  EXPECT_EQ(v.at("id").as_string(), "18446744073709551615");
  EXPECT_EQ(v.at("first_id").as_string(), "1");
  EXPECT_NE(
      out.find(R"("price":-0.123456789012345678,"qty":0.00000000,"side":"sell","ts_exchange":-5,)"),
      std::string::npos);
  EXPECT_EQ(out.back(), '\n');

  std::vector<price_level> levels;
  for (int i = 0; i < 100; ++i) levels.push_back({decimal(4300000 + i, 2), decimal(i, 3)});
  book_record b;
  b.symbol = "BTCUSDT";
  b.seq = 10;
  b.first_seq = 7;
  b.checksum = -42;
  b.has_checksum = true;
  b.snapshot = true;
  b.bids = levels;
  b.asks = levels;
  out.clear();
  append_json(out, "binance-spot", b);
  const auto book = boost::json::parse(out).as_object();
  ASSERT_EQ(book.at("bids").as_array().size(), 100u);
  EXPECT_NE(out.find(R"([43000.98,0.098],[43000.99,0.099]],"ts_exchange")"), std::string::npos);
  EXPECT_EQ(book.at("first_seq").as_int64(), 7);
  EXPECT_EQ(book.at("checksum").as_int64(), -42);
  EXPECT_TRUE(book.at("snapshot").as_bool());
}

// JSON string escaping one character at a time: the rules append_json_string follows.
std::string reference_escaped(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

TEST(RecordJson, EscapesEveryByteWhereverItSits) {
  std::mt19937_64 gen(9);
  // Mostly plain text, with the bytes that matter (and their neighbours) sprinkled in.
  const std::string special = std::string("\"\\\n\r\t\x01\x1f\x20!#[]\x7f\x80\xc3\xa9\xff") + '\0';
  for (int round = 0; round < 20'000; ++round) {
    std::string text;
    const std::size_t len = gen() % 40;
    for (std::size_t i = 0; i < len; ++i)
      text +=
          gen() % 6 == 0 ? special[gen() % special.size()] : static_cast<char>('a' + gen() % 26);
    std::string out;
    append_json_string(out, text);
    ASSERT_EQ(out, reference_escaped(text)) << round;
  }
}

}  // namespace
}  // namespace sf
