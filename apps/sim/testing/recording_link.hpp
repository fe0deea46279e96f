// A session_link for unit tests of dialect sessions: it records every frame
// pushed and every close asked for, and plays the connection's rules and
// faults from counters the test sets (an inbound budget, gaps and bad
// checksums to hand out), counting how often each was asked.
//
// Thread safety: none; used from the test's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "sim/dialect_session.hpp"

namespace sf::sim::testing {

class recording_link final : public session_link {
 public:
  struct close_call {
    int code = 0;
    std::string reason;
    std::string why;
  };

  void push(std::shared_ptr<const std::string> frame) override {
    frames.push_back(*frame);
    shared.push_back(std::move(frame));
  }
  bool count_inbound() override {
    ++inbound_counted;
    if (inbound_budget == 0) return false;
    --inbound_budget;
    return true;
  }
  void close(int code, const std::string& reason, std::string_view why) override {
    closes.push_back({code, reason, std::string(why)});
  }
  bool take_gap(const market_stream& s) override {
    gap_asks.push_back(s.venue_symbol());
    if (gaps == 0) return false;
    --gaps;
    return true;
  }
  bool take_bad_checksum() override {
    ++bad_checksum_asks;
    if (bad_checksums == 0) return false;
    --bad_checksums;
    return true;
  }

  // Forgets what was recorded; budgets and counters to hand out stay.
  void clear() {
    frames.clear();
    shared.clear();
    closes.clear();
  }

  // What the test sets.
  std::size_t inbound_budget = std::numeric_limits<std::size_t>::max();
  std::uint32_t gaps = 0;
  std::uint32_t bad_checksums = 0;

  // What the session did.
  std::vector<std::string> frames;
  std::vector<std::shared_ptr<const std::string>> shared;  // the same frames, to compare identities
  std::vector<close_call> closes;
  std::size_t inbound_counted = 0;
  std::vector<std::string> gap_asks;  // the venue symbol of each take_gap
  std::size_t bad_checksum_asks = 0;
};

}  // namespace sf::sim::testing
