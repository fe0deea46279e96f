// A few cells of the chaos matrix (`make chaos` runs them all): the real
// daemon and simulator, a fault, and the recording judged against the truth.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <ostream>

#include "chaos/chaos_cell.hpp"
#include "chaos/network_namespaces.hpp"
#include "support/temp_dir.hpp"

namespace sf::chaos {
namespace {

struct subset_cell {
  const char* fault;
  const char* venue;
  int redundancy;
  std::uint64_t seed;
};

std::ostream& operator<<(std::ostream& os, const subset_cell& c) {
  return os << c.venue << "/" << c.fault << "/r" << c.redundancy << " seed " << c.seed;
}

class ChaosMatrix : public ::testing::TestWithParam<subset_cell> {};

TEST_P(ChaosMatrix, CellLosesNothing) {
  const auto& c = GetParam();
  if (std::string_view(c.fault) == "link_down" && !network_namespaces::available())
    GTEST_SKIP() << "network namespaces need root, ip and tc";
  test::temp_dir dir{"chaos"};
  cell_settings settings;
  settings.daemon_bin = STEADYFEED_BIN;
  settings.sim_bin = STEADYFEED_SIM_BIN;
  settings.work_dir = dir.path;
  settings.after = std::chrono::milliseconds{3000};
  const auto r = run_cell({c.fault, c.venue, c.redundancy, c.seed}, settings);
  std::string problems;
  for (const auto& p : r.problems) problems += "\n  " + p;
  EXPECT_TRUE(r.skipped.empty()) << r.skipped;
  dir.keep = !r.passed();  // so that "kept in" below stays true
  EXPECT_TRUE(r.passed()) << r.spec.name() << " seed " << c.seed << problems << "\n(kept in "
                          << r.kept << ")";
  EXPECT_GT(r.totals.expected, 1000u);  // at 500 trades/s, several seconds of them
}

INSTANTIATE_TEST_SUITE_P(Subset, ChaosMatrix,
                         ::testing::Values(subset_cell{"half_open", "okx", 2, 7201},
                                           subset_cell{"rest_5xx_in_hole", "binance-spot", 1, 7202},
                                           subset_cell{"link_down", "binance-spot", 1, 7203}),
                         [](const ::testing::TestParamInfo<subset_cell>& p) {
                           return fmt::format("{}_{}_r{}", p.param.fault,
                                              p.param.venue[0] == 'o' ? "okx" : "binance",
                                              p.param.redundancy);
                         });

}  // namespace
}  // namespace sf::chaos
