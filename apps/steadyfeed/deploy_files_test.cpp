// deploy/'s Prometheus rules and Grafana dashboard name only metrics the
// daemon exports: a renamed metric fails here, not on an operator's screen.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "metrics_exporter.hpp"
#include "prometheus/metric_family.h"

namespace sf::daemon {
namespace {

class no_feeds : public control_target {
 public:
  std::vector<feed_stats> feeds() const override { return {}; }
  sink_status sinks() const override { return {}; }
  bool reconnect(std::string_view, std::size_t, std::string) override { return false; }
  bool subscribe(std::string_view, std::vector<std::string>, std::vector<std::string>) override { return false; }
  bool unsubscribe(std::string_view, std::vector<std::string>, std::vector<std::string>) override { return false; }
  reload_result reload() override { return {}; }
};

std::set<std::string> metric_names_in(const std::string& file) {
  std::ifstream in(std::string(STEADYFEED_SOURCE_DIR) + "/deploy/" + file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  EXPECT_FALSE(s.empty()) << file;
  std::set<std::string> names;
  static const std::regex name(R"(\b((?:steadyfeed|network)_[a-z_]+))");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), name); it != std::sregex_iterator(); ++it) {
    std::string n = (*it)[1];
    for (const char* suffix : {"_bucket", "_count", "_sum"})
      if (n.ends_with(suffix) && n.find("latency") != std::string::npos) n.resize(n.size() - std::string_view(suffix).size());
    names.insert(n);
  }
  return names;
}

TEST(DeployFiles, RulesAndDashboardUseExportedMetrics) {
  no_feeds target;
  metrics_exporter exporter(target, system_clock_source::instance());
  std::set<std::string> exported;
  for (const auto& f : exporter.collect()) exported.insert(f.name);
  for (const char* file : {"prometheus-rules.yml", "grafana-dashboard.json"}) {
    const auto used = metric_names_in(file);
    EXPECT_GE(used.size(), 5u) << file;
    for (const auto& n : used) EXPECT_TRUE(exported.contains(n)) << file << " uses " << n << ", which is not exported";
  }
}

}  // namespace
}  // namespace sf::daemon
