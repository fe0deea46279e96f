#include "config_reference.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "config_key.hpp"

namespace sf::daemon {
namespace {

// The part of `page` from `heading` to the next heading of its level.
std::string section_of(const std::string& page, const std::string& heading) {
  const auto start = page.find("\n" + heading + "\n");
  if (start == std::string::npos) return {};
  const auto end = page.find("\n## ", start + 1);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(ConfigReference, ListsEveryKeyOfTheTableWithItsDefault) {
  const std::string page = config_reference();
  const std::string keys = section_of(page, "## Keys");
  ASSERT_FALSE(keys.empty()) << page;
  for (const auto& key : config_keys()) {
    SCOPED_TRACE(std::string(key.path));
    const auto row = keys.find(fmt::format("\n| `{}` | ", key.path));
    ASSERT_NE(row, std::string::npos);
    const std::string line = keys.substr(row + 1, keys.find('\n', row + 1) - row - 1);
    EXPECT_NE(line.find(std::string(key.meaning.substr(0, 20))), std::string::npos) << line;
    if (key.required.empty() && key.default_text.empty() && !key.venue_value) {
      EXPECT_NE(line.find(fmt::format("| `{}` |", describe_default(key))), std::string::npos)
          << line;
    }
  }
  // Values the structs hold, not values retyped.
  EXPECT_NE(keys.find(fmt::format("| `supervisor.backoff.initial` | duration | `{}` |",
                                  format_duration(daemon_config{}.supervisor.backoff.initial))),
            std::string::npos);
  EXPECT_NE(keys.find("| `supervisor.idle_timeout` | duration; 0 disables |"), std::string::npos);
  EXPECT_NE(keys.find("| `feeds[].redundancy` | integer, 1 to 8 | `1` | connections |"),
            std::string::npos);
  EXPECT_NE(keys.find("| `feeds[].venue` | one of: `binance-spot`, `okx` | required |"),
            std::string::npos);
}

TEST(ConfigReference, ShowsWhatEveryProfileSetsForEverySupervisorKey) {
  const std::string page = config_reference();
  const std::string profiles = section_of(page, "## Profiles");
  ASSERT_FALSE(profiles.empty()) << page;
  EXPECT_NE(profiles.find("| key | development | production | high-load |"), std::string::npos)
      << profiles;
  std::size_t rows = 0;
  for (const auto& key : config_keys())
    if (key.path.starts_with("supervisor.") && key.path != "supervisor.profile") {
      ++rows;
      EXPECT_NE(profiles.find(fmt::format("\n| `{}` |", key.path)), std::string::npos) << key.path;
    }
  EXPECT_GT(rows, 15u);
  // The documented values, bold where they differ from production's.
  for (const auto* row : {
           "| `supervisor.backoff.max_attempts` | **`5`** | `10` | **`15`** |",
           "| `supervisor.backoff.initial` | `1s` | `1s` | **`500ms`** |",
           "| `supervisor.backoff.max` | **`1m`** | `5m` | **`10m`** |",
           "| `supervisor.backoff.multiplier` | `2` | `2` | **`1.5`** |",
           "| `supervisor.backoff.jitter` | `0.1` | `0.1` | **`0.2`** |",
           "| `supervisor.health_check_interval` | `30s` | `30s` | **`15s`** |",
           "| `supervisor.connect_timeout` | `30s` | `30s` | **`15s`** |",
           "| `supervisor.ws_ping_interval` | `30s` | `30s` | **`15s`** |",
           "| `supervisor.pong_timeout` | `10s` | `10s` | **`5s`** |",
           "| `supervisor.reconnect_cluster` | **`3`** | `5` | **`10`** |",
           "| `alerts.threshold` | **`2`** | `3` | **`5`** |",
           "| `supervisor.app_ping_interval` | the venue's own | the venue's own | the venue's own |",
       })
    EXPECT_NE(profiles.find(row), std::string::npos) << row << "\n" << profiles;
  EXPECT_NE(profiles.find("max_retries is `supervisor.backoff.max_attempts`"), std::string::npos);
  EXPECT_NE(profiles.find("max_consecutive_failures is `supervisor.reconnect_cluster`"), std::string::npos);
  EXPECT_NE(profiles.find("alert_threshold is `alerts.threshold`"), std::string::npos);
}

TEST(ConfigReference, ShowsWhatEachVenueUsesWhereTheFileLeavesItToTheVenue) {
  const std::string venues = section_of(config_reference(), "## Venues");
  ASSERT_FALSE(venues.empty());
  for (const auto name : known_venues()) {
    const auto venue = make_venue_adapter(name);
    EXPECT_NE(venues.find(fmt::format("| `{}` | `{}` | `{}` |", name,
                                      venue->limits().lifetime.count() == 0
                                          ? std::string("none")
                                          : format_duration(venue->limits().lifetime),
                                      format_duration(venue->heartbeat().ws_ping_interval))),
              std::string::npos)
        << venues;
    EXPECT_NE(venues.find(fmt::format("| `{}` | `{}` |", venue->ws_url(), venue->rest_url())),
              std::string::npos)
        << venues;
  }
}

TEST(ConfigReference, TheCommandPrintsThePage) {
  std::ostringstream out;
  EXPECT_EQ(config_reference_command(out), 0);
  EXPECT_EQ(out.str(), config_reference());
  EXPECT_TRUE(out.str().starts_with("# Configuration\n"));
  EXPECT_TRUE(out.str().ends_with("|\n"));
}

}  // namespace
}  // namespace sf::daemon
