#include "steadyfeed/sink/nats_subject.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

TEST(NatsSubject, OrdinarySymbolsStayAsTheyAre) {
  EXPECT_EQ(nats_subject("md", "okx", "trades", "BTC-USDT"), "md.okx.trades.BTC-USDT");
  EXPECT_EQ(nats_subject("md", "kraken", "book", "BTC/USD"), "md.kraken.book.BTC/USD");
}

TEST(NatsSubject, WhatSubjectsForbidIsEscapedAndComesBack) {
  for (const std::string name : {"BTC.X", "a*b", "x>y", "50%", "with space", "tab\there", "", "_", "é"}) {
    std::string token;
    append_subject_token(token, name);
    EXPECT_FALSE(token.empty());
    for (const char c : token) {
      EXPECT_NE(c, '.') << name;
      EXPECT_NE(c, '*') << name;
      EXPECT_NE(c, '>') << name;
      EXPECT_GT(static_cast<unsigned char>(c), ' ') << name;
      EXPECT_LE(static_cast<unsigned char>(c), '~') << name;
    }
    EXPECT_EQ(subject_token_name(token), name);
  }
  EXPECT_EQ(nats_subject("md", "v", "trades", "BTC.X"), "md.v.trades.BTC%2EX");
}

TEST(NatsSubject, MessageIdsAreTheRecordsIdentity) {
  EXPECT_EQ(nats_message_id(record_kind::trade, "okx", "trades", "BTC-USDT", "42", "{}"), "okx.trades.BTC-USDT.42");
  EXPECT_EQ(nats_message_id(record_kind::book, "okx", "book", "BTC-USDT", "42", "{}"), "okx.book.BTC-USDT.42");
  EXPECT_EQ(nats_message_id(record_kind::gap, "okx", "trades", "BTC-USDT", "40-41", "{}"),
            "okx.trades.BTC-USDT.gap:40-41");
  // Without an id: the same content received at different times is one record.
  const auto a = nats_message_id(record_kind::trade, "v", "ticker", "X", "", R"({"p":"1","ts_recv":100})" "\n");
  const auto b = nats_message_id(record_kind::trade, "v", "ticker", "X", "", R"({"p":"1","ts_recv":250})" "\n");
  const auto c = nats_message_id(record_kind::trade, "v", "ticker", "X", "", R"({"p":"2","ts_recv":100})" "\n");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(a.starts_with("v.ticker.X.h:"));
}

}  // namespace
}  // namespace sf
