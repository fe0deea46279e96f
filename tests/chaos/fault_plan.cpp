#include "chaos/fault_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sf::chaos {
namespace {

using std::chrono::milliseconds;

// One entry of the simulator's chaos file.
std::string entry(milliseconds at, std::string_view venue, std::string_view body) {
  return fmt::format("  - {{at: {}ms, venue: {}, {}}}\n", at.count(), venue, body);
}

}  // namespace

const std::vector<std::string>& fault_names() {
  static const std::vector<std::string> names{"close",
                                              "reset",
                                              "half_open",
                                              "stall",
                                              "slow_drip",
                                              "garbage",
                                              "oversized",
                                              "malformed_json",
                                              "maintenance",
                                              "sequence_gap",
                                              "bad_checksum",
                                              "sequence_reset",
                                              "rest_5xx_in_hole",
                                              "rest_429_in_hole",
                                              "refused_reconnects",
                                              "link_down",
                                              "bandwidth_squeeze",
                                              "sigstop"};
  return names;
}

std::optional<fault_plan> plan_for(std::string_view fault, std::string_view venue, milliseconds at,
                                   std::string& why) {
  const bool okx = venue == "okx";
  fault_plan p;
  p.fault = std::string(fault);
  std::string body;
  std::string yaml;
  const auto simple = [&](std::string_view logged, std::string_view fields) {
    yaml = entry(at, venue, fields);
    p.logged = {std::string(logged)};
  };
  // A reset of every connection at `at`, with `other` opened 100 ms before it.
  const auto in_a_hole = [&](std::string_view logged, std::string_view other) {
    yaml = entry(at - milliseconds{100}, venue, other) + entry(at, venue, "fault: reset");
    p.logged = {std::string(logged), "reset"};  // the last one is the cell's fault time
  };
  if (fault == "close") {
    simple("close", "fault: close, close_code: 1001");
  } else if (fault == "reset") {
    simple("reset", "fault: reset");
  } else if (fault == "half_open") {
    simple("half_open", "fault: half_open, duration: 3s");
  } else if (fault == "stall") {
    simple("stall", "fault: stall, duration: 1500ms");
  } else if (fault == "slow_drip") {
    simple("slow_drip", "fault: slow_drip, duration: 2s, interval: 100ms");
  } else if (fault == "garbage") {
    simple("garbage", "fault: garbage, count: 5");
  } else if (fault == "oversized") {
    simple("oversized", "fault: oversized, size: 20000000");
  } else if (fault == "malformed_json") {
    simple("malformed_json", "fault: malformed_json, count: 5");
  } else if (fault == "maintenance") {
    simple("maintenance", "fault: maintenance, duration: 1s");
  } else if (fault == "sequence_gap") {
    simple("sequence_gap", "fault: sequence_gap, count: 3");
  } else if (fault == "bad_checksum") {
    if (!okx) {
      why = "Binance spot books carry no checksum";
      return std::nullopt;
    }
    simple("bad_checksum", "fault: bad_checksum, count: 2");
  } else if (fault == "sequence_reset") {
    if (!okx) {
      why = "Binance spot update ids never restart";
      return std::nullopt;
    }
    simple("sequence_reset", "fault: sequence_reset");  // hits the market, not a connection
  } else if (fault == "rest_5xx_in_hole") {
    in_a_hole("rest_error", "fault: rest_error, status: 503, duration: 2s");
    p.breaks_rest = true;
  } else if (fault == "rest_429_in_hole") {
    in_a_hole("rest_429", "fault: rest_429, retry_after: 1s, duration: 2s");
    p.breaks_rest = true;
  } else if (fault == "refused_reconnects") {
    in_a_hole("refuse_connections", "fault: refuse_connections, duration: 2s");
  } else if (fault == "link_down") {
    p.outside = outside_fault::link_down;
    p.length = milliseconds{3000};
    p.needs_namespaces = true;
  } else if (fault == "bandwidth_squeeze") {
    p.outside = outside_fault::squeeze;
    p.length = milliseconds{4000};
    p.needs_namespaces = true;
  } else if (fault == "sigstop") {
    p.outside = outside_fault::sigstop;
    p.length = milliseconds{3000};
  } else {
    why = fmt::format("unknown fault '{}'", fault);
    return std::nullopt;
  }
  if (!yaml.empty()) p.chaos_yaml = "faults:\n" + yaml;
  return p;
}

}  // namespace sf::chaos
