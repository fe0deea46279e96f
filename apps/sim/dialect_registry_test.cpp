#include "sim/dialect_registry.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace sf::sim {
namespace {

TEST(DialectRegistry, FindsEveryVenueByItsNameAndNoOther) {
  EXPECT_EQ(dialect_names(), (std::vector<std::string>{"binance-spot", "okx"}));
  ASSERT_EQ(all_dialects().size(), dialect_names().size());
  for (const auto* d : all_dialects()) {
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(find_dialect(d->name()), d);
    EXPECT_EQ(&dialect_of(d->name()), d);
  }
  EXPECT_EQ(find_dialect("kraken"), nullptr);
  EXPECT_EQ(find_dialect(""), nullptr);
  EXPECT_EQ(find_dialect("OKX"), nullptr);  // names are exact
  try {
    dialect_of("kraken");
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown venue 'kraken' (binance-spot, okx)");
  }
}

TEST(DialectRegistry, DefaultSettingsAreEachDialectsOwn) {
  const auto defaults = default_venue_settings();
  ASSERT_EQ(defaults.size(), all_dialects().size());
  for (const auto* d : all_dialects()) {
    SCOPED_TRACE(d->name());
    const auto it = defaults.find(d->name());
    ASSERT_NE(it, defaults.end());
    EXPECT_EQ(it->second, d->defaults());
  }
  EXPECT_NE(defaults.at("binance-spot"), defaults.at("okx"));
}

TEST(DialectRegistry, EveryDialectRunsOnItsDefaultsAndItsFlagsDefaultsChangeNothing) {
  std::set<std::string> flag_names;
  for (const auto* d : all_dialects()) {
    SCOPED_TRACE(d->name());
    EXPECT_TRUE(d->check(d->defaults()).empty());
    for (const auto& f : d->flags()) {
      SCOPED_TRACE(f.name);
      EXPECT_TRUE(flag_names.insert(f.name).second) << "two venues declare " << f.name;
      EXPECT_TRUE(f.name.starts_with("--"));
      auto settings = d->defaults();
      EXPECT_EQ(f.apply(f.default_text, settings), std::nullopt);
      EXPECT_EQ(settings, d->defaults())
          << "the help text would show another default than the one run";
    }
  }
}

TEST(DialectRegistry, AFlagRefusesNonsenseAndLeavesTheSettingsAsTheyWere) {
  for (const auto* d : all_dialects()) {
    for (const auto& f : d->flags()) {
      SCOPED_TRACE(f.name);
      auto settings = d->defaults();
      const auto problem = f.apply("nonsense", settings);
      ASSERT_TRUE(problem);
      EXPECT_NE(problem->find("'nonsense'"), std::string::npos) << *problem;
      EXPECT_EQ(settings, d->defaults());
    }
  }
}

TEST(DialectRegistry, EveryVenueIsServedUnderItsNameAndSaysSoInTheBanner) {
  for (const auto* d : all_dialects()) {
    SCOPED_TRACE(d->name());
    const auto lines = d->urls("ws://h:1", "http://h:1");
    ASSERT_FALSE(lines.empty());
    for (const auto& line : lines) {
      EXPECT_TRUE(line.starts_with(std::string(d->name()) + " ")) << line;
      // Under the venue's prefix: a path below it, or the prefix itself as a
      // config's endpoint ("ws://h:1/binance-spot").
      const std::string prefix = "://h:1/" + std::string(d->name());
      const auto at = line.find(prefix);
      ASSERT_NE(at, std::string::npos) << line;
      const char next = at + prefix.size() < line.size() ? line[at + prefix.size()] : '\0';
      EXPECT_TRUE(next == '/' || next == '"') << line;
    }
  }
}

TEST(DialectRegistry, MarketsAreSpeltAndPrintedByTheirVenuesDialect) {
  const auto btc = *make_instrument("BTCUSDT");
  for (const auto* d : all_dialects()) {
    const market_stream s(std::string(d->name()), btc, market_config{});
    EXPECT_EQ(s.venue_symbol(), d->symbol_of(btc));
    EXPECT_EQ(s.numbers(), d->numbers());
  }
  EXPECT_THROW(market_stream("kraken", btc, market_config{}), std::invalid_argument);
}

}  // namespace
}  // namespace sf::sim
