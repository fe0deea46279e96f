#include "chaos/fault_plan.hpp"

#include <gtest/gtest.h>

#include "sim/chaos_schedule.hpp"

namespace sf::chaos {
namespace {

using std::chrono::milliseconds;

// Every plan's schedule is one the simulator accepts, with the fault at the
// cell's time, and a fault that needs a hole gets one.
TEST(FaultPlan, EverySimulatorScheduleLoadsWithItsFaultAtTheCellsTime) {
  for (const auto& name : fault_names())
    for (const std::string venue : {"binance-spot", "okx"}) {
      SCOPED_TRACE(venue + " " + name);
      std::string why;
      const auto plan = plan_for(name, venue, milliseconds{4000}, why);
      if (!plan) {
        EXPECT_EQ(venue, "binance-spot");
        EXPECT_FALSE(why.empty());
        continue;
      }
      if (plan->outside != outside_fault::none) {
        EXPECT_TRUE(plan->chaos_yaml.empty());
        EXPECT_GT(plan->length.count(), 0);
        continue;
      }
      const auto faults = sim::parse_chaos(plan->chaos_yaml, name);
      ASSERT_EQ(faults.size(), plan->logged.size());
      EXPECT_EQ(faults.back().at, milliseconds{4000});
      EXPECT_EQ(sim::name_of(faults.back().kind), plan->logged.back());
      for (const auto& f : faults) EXPECT_EQ(f.venue, venue);
      if (faults.size() == 2) {
        EXPECT_EQ(faults.back().kind, sim::fault_kind::reset);
        EXPECT_LT(faults.front().at, faults.back().at);
      }
    }
}

TEST(FaultPlan, AnUnknownFaultIsNamed) {
  std::string why;
  EXPECT_FALSE(plan_for("earthquake", "okx", milliseconds{1}, why));
  EXPECT_EQ(why, "unknown fault 'earthquake'");
}

}  // namespace
}  // namespace sf::chaos
