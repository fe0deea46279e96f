// Zero loss, proven against the simulator's ground truth.
//
// Each scenario runs the real pipeline (connections, supervisors, venue
// adapters, arbiters, books, REST backfill, the files sink) against the
// simulator on loopback while it injects one fault, then compares the
// recording with the truth. Every scenario has a named seed; a failure names
// it, and `--gtest_filter=ZeroLoss/*<name>*` reruns it alone.
//
// The verdicts the design promises:
//   redundancy 2: nothing missing, nothing twice, nothing out of order, books
//                 equal to the truth wherever compared;
//   redundancy 1: the same, except that a loss history cannot repair may
//                 appear as a gap record (reported), never silently;
//   a planned rotation loses nothing at any redundancy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <optional>
#include <thread>

#include "config.hpp"
#include "recorder.hpp"
#include "sim/fault.hpp"
#include "sim/server.hpp"
#include "verify.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

struct scenario {
  std::string name;
  std::uint64_t seed;
  int redundancy;
  std::string venue;  // the one recorded
  sim::fault_kind fault;
  duration fault_length{0};
  bool one_connection = false;      // aim the fault at one connection only
  duration lifetime{0};             // simulated Binance lifetime (0: 24 h)
  bool expect_no_reported_gaps = false;
  // What the fault must visibly have caused, so a fault that silently did
  // nothing cannot pass as "nothing lost".
  // bridged: a book hole on one connection was filled by another's copies,
  // with no gap record (so no resync of a broken chain).
  enum class effect { none, reconnect, rotation, gap, resync, no_resync, bridged, invalid_frames } expect = effect::none;
  std::string okx_checksum = "crc32";  // the simulator's OKX "checksum" option: crc32 or zero
  // When set, connection 2 is stalled this long from the fault on, so that
  // its copies of what connection 1 lost arrive after connection 1 has
  // moved on: the hole must wait for them instead of breaking the book.
  duration lag{0};
  // When set, the venue's REST answers this status (503, or 429 with
  // Retry-After) from just before the fault for `rest_outage`: the hole the
  // fault leaves must wait for the history, not become a gap record.
  int rest_status = 0;
  duration rest_outage{0};
};

struct outcome {
  daemon::verify_report report;
  std::uint64_t reconnects = 0, rotations = 0, gaps = 0, resyncs = 0, bridged = 0, invalid_frames = 0;
  std::uint64_t rest_failures = 0, backfilled = 0;
  // From the simulator's fault log: the connections the scenario's fault hit
  // (empty: it hit none, and the scenario proves nothing).
  std::vector<std::string> fault_hits;
};

// "connections 4,6" of the fault log's line for `fault`, as ids.
std::vector<std::string> connections_hit(const fs::path& log, std::string_view fault) {
  std::ifstream in(log);
  std::vector<std::string> out;
  const std::string marker = fmt::format(R"("event":"fault","fault":"{}")", fault);
  for (std::string line; std::getline(in, line);) {
    if (line.find(marker) == std::string::npos) continue;
    const auto at = line.find(R"("detail":"connections )");
    if (at == std::string::npos) continue;
    const auto start = at + std::string_view(R"("detail":"connections )").size();
    std::stringstream ids(line.substr(start, line.find('"', start) - start));
    for (std::string id; std::getline(ids, id, ',');) out.push_back(id);
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const scenario& s) { return os << s.name; }

outcome run_scenario(const scenario& s, const fs::path& dir) {
  outcome out;
  fs::remove_all(dir);
  sim::server_config sc;
  sc.venues = {s.venue};
  sc.symbols = {"BTCUSDT"};
  sc.market.seed = s.seed;
  sc.market.rate = 40;
  sc.truth_dir = dir / "truth";
  sc.checkpoint_every = 20;
  sc.log_to_stderr = false;
  sc.venue("okx").options["checksum"] = s.okx_checksum;
  if (s.lifetime.count() > 0) sc.venue("binance-spot").rules.limits.lifetime = s.lifetime;
  sim::fault_spec f;
  f.at = milliseconds{1500};
  f.kind = s.fault;
  f.venue = s.venue;
  f.length = s.fault_length;
  f.count = 3;
  if (s.one_connection) f.connection = 1;
  sc.chaos.push_back(f);
  if (s.rest_outage.count() > 0) {
    sim::fault_spec rest;
    rest.at = f.at - milliseconds{100};
    rest.kind = s.rest_status == 429 ? sim::fault_kind::rest_429 : sim::fault_kind::rest_error;
    rest.status = s.rest_status;
    rest.venue = s.venue;
    rest.length = s.rest_outage;
    sc.chaos.push_back(rest);
  }
  if (s.lag.count() > 0) {
    sim::fault_spec stall;
    stall.at = f.at;
    stall.kind = sim::fault_kind::stall;
    stall.venue = s.venue;
    stall.length = s.lag;
    stall.connection = 2;
    sc.chaos.push_back(stall);
  }

  boost::asio::io_context sim_ioc{1};
  sim::server simulator(sim_ioc, system_clock_source::instance(), sc);
  simulator.start();
  std::thread sim_thread([&] { sim_ioc.run(); });
  const std::string base = fmt::format("127.0.0.1:{}", simulator.port());
  const bool okx = s.venue == "okx";
  auto config = daemon::parse_config(
      fmt::format(R"(
supervisor:
  profile: development
  connect_timeout: 5s
  idle_timeout: 2s
  ws_ping_interval: 500ms
  pong_timeout: 1s
  rotation_margin: 1s
  backoff: {{initial: 100ms, max: 1s}}
feeds:
  - venue: {0}
    symbols: [{1}]
    redundancy: {2}
    endpoints: {{ws: "ws://{3}/{4}", rest: "http://{3}/{0}"}}
sinks:
  files: {{dir: "{5}", flush_interval: 200ms}}
)",
                  s.venue, okx ? "BTC-USDT" : "BTCUSDT", s.redundancy, base, okx ? "okx/ws/v5/public" : "binance-spot",
                  (dir / "data").string()),
      s.name);
  if (s.lifetime.count() > 0)
    for (auto& feed : config.feeds) feed.supervisor.lifetime = s.lifetime;
  {
    daemon::recorder rec(config);
    rec.start();
    std::this_thread::sleep_for(std::chrono::milliseconds{5000});
    for (const auto& feed : rec.feeds()) {
      out.gaps += feed.gaps;
      out.resyncs += feed.resyncs;
      out.bridged += feed.book_holes_bridged;
      out.rest_failures += feed.rest_failures;
      out.backfilled += feed.backfilled;
      for (const auto& c : feed.connections) {
        out.reconnects += c.counters.reconnect_successes;
        out.rotations += c.counters.rotations;
        out.invalid_frames += c.counters.invalid_frames;
      }
    }
    rec.stop();
  }
  // Stopped on its own thread: its sessions and truth files are that thread's.
  boost::asio::post(sim_ioc, [&] {
    simulator.stop();
    sim_ioc.stop();
  });
  sim_thread.join();
  out.report = daemon::verify_recording(dir / "truth", dir / "data");
  out.fault_hits = connections_hit(dir / "truth" / "faults.ndjson", sim::name_of(s.fault));
  return out;
}

class ZeroLoss : public ::testing::TestWithParam<scenario> {};

TEST_P(ZeroLoss, RecordingMatchesTheTruth) {
  const scenario& s = GetParam();
  const fs::path dir = fs::temp_directory_path() / fmt::format("steadyfeed-zero-loss-{}-{}", ::getpid(), s.name);
  const auto result = run_scenario(s, dir);
  const auto& report = result.report;
  std::string detail;
  for (const auto& e : report.errors) detail += "error: " + e + "\n";
  for (const auto& v : report.streams)
    detail += fmt::format("{} expected={} records={} missing={} reported={} duplicates={} out_of_order={} "
                          "mismatched={} unknown={} gap_errors={} chain_breaks={} superseded={} books_compared={} "
                          "books_skipped={} books_differ={} {}\n",
                          v.stream, v.expected, v.recorded, v.missing, v.reported, v.duplicates, v.out_of_order,
                          v.mismatched, v.unknown, v.gap_errors, v.chain_breaks, v.superseded, v.books_compared,
                          v.books_skipped, v.books_differ, v.first_problem);
  detail += fmt::format("reconnects={} rotations={} gaps={} resyncs={} bridged={} backfilled={}\n",
                        result.reconnects, result.rotations, result.gaps, result.resyncs, result.bridged,
                        result.backfilled);
  SCOPED_TRACE("scenario " + s.name + " seed " + std::to_string(s.seed) + "\n" + detail);
  // The fault did hit: one connection when aimed at one, every one otherwise.
  if (sim::is_connection_fault(s.fault)) {
    EXPECT_FALSE(result.fault_hits.empty()) << "the fault hit no connection";
    const std::size_t aimed_at = s.one_connection ? 1 : static_cast<std::size_t>(s.redundancy);
    EXPECT_EQ(result.fault_hits.size(), aimed_at);
  }
  // Where every connection lost the stream at once, the hole in the trades
  // was filled from the venue's history (at 40 trades/s a reconnect misses
  // some), and only a broken book chain may leave a gap record.
  const bool every_connection_hit = !s.one_connection && sim::is_connection_fault(s.fault);
  if (s.expect == scenario::effect::reconnect && every_connection_hit) {
    EXPECT_GE(result.backfilled, 1u) << "the reconnect's hole was not backfilled";
  }
  if (s.expect != scenario::effect::gap) {
    EXPECT_EQ(result.gaps, 0u);
  }
  switch (s.expect) {
    case scenario::effect::reconnect: EXPECT_GE(result.reconnects, 1u); break;
    case scenario::effect::rotation: EXPECT_GE(result.rotations, 1u); break;
    case scenario::effect::invalid_frames:
      // Garbage is counted and survived: it is no reason to drop a connection.
      EXPECT_GE(result.invalid_frames, 3u);
      EXPECT_EQ(result.reconnects, 0u);
      break;
    case scenario::effect::gap: EXPECT_GE(result.gaps, 1u); break;
    case scenario::effect::resync: EXPECT_GE(result.resyncs, 1u); break;
    case scenario::effect::no_resync: EXPECT_EQ(result.resyncs, 0u); break;
    case scenario::effect::bridged:
      EXPECT_GE(result.bridged, 1u);
      EXPECT_EQ(result.gaps, 0u);  // a broken chain always leaves one
      break;
    case scenario::effect::none: break;
  }
  // The REST outage was met (requests failed) and waited out: no gap record.
  if (s.rest_outage.count() > 0) {
    EXPECT_GE(result.rest_failures, 1u);
    EXPECT_EQ(result.gaps, 0u);
  }
  // A short lifetime rotates before the venue's cut.
  if (s.lifetime.count() > 0) {
    EXPECT_GE(result.rotations, 1u);
  }
  const auto& t = report.totals;
  std::printf("%s (seed %lu): expected=%lu records=%lu missing=%lu reported=%lu duplicates=%lu out_of_order=%lu "
              "chain_breaks=%lu superseded=%lu books_compared=%lu books_skipped=%lu books_differ=%lu reconnects=%lu "
              "rotations=%lu gaps=%lu\n",
              s.name.c_str(), s.seed, t.expected, t.recorded, t.missing, t.reported, t.duplicates, t.out_of_order,
              t.chain_breaks, t.superseded, t.books_compared, t.books_skipped, t.books_differ, result.reconnects,
              result.rotations, result.gaps);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(t.missing, 0u);
  EXPECT_EQ(t.duplicates, 0u);
  EXPECT_EQ(t.out_of_order, 0u);
  EXPECT_EQ(t.mismatched, 0u);
  EXPECT_EQ(t.unknown, 0u);
  EXPECT_EQ(t.books_differ, 0u);
  EXPECT_EQ(t.chain_breaks, 0u);
  EXPECT_EQ(t.gap_errors, 0u);
  EXPECT_TRUE(report.clean());
  EXPECT_GT(t.books_compared, 0u);
  // Every stream of the truth was judged, each over a window that holds data.
  EXPECT_EQ(report.streams.size(), 2u);
  for (const auto& v : report.streams) EXPECT_GT(v.expected, 0u) << v.stream;
  EXPECT_GT(t.recorded, 150u);
  if (s.expect_no_reported_gaps) {
    EXPECT_EQ(t.reported, 0u);
  }
  fs::remove_all(dir);
}

using sim::fault_kind;
INSTANTIATE_TEST_SUITE_P(
    Faults, ZeroLoss,
    ::testing::Values(
        // Garbage frames on a connection whose 3 s lifetime also rotates it:
        // both are survived, and each is checked for what it does.
        scenario{"binance_garbage_r1", 101, 1, "binance-spot", fault_kind::garbage, {}, false, seconds{3}, true,
                 scenario::effect::invalid_frames},
        scenario{"okx_maintenance_r1", 102, 1, "okx", fault_kind::maintenance, milliseconds{500}, false, {}, true, scenario::effect::rotation},
        scenario{"binance_reset_one_of_two", 103, 2, "binance-spot", fault_kind::reset, {}, true, {}, true, scenario::effect::reconnect},
        scenario{"okx_reset_one_of_two", 104, 2, "okx", fault_kind::reset, {}, true, {}, true, scenario::effect::reconnect},
        scenario{"binance_reset_r2", 105, 2, "binance-spot", fault_kind::reset, {}, false, {}, false, scenario::effect::reconnect},
        scenario{"okx_half_open_r2", 106, 2, "okx", fault_kind::half_open, seconds{2}, false, {}, false, scenario::effect::reconnect},
        scenario{"binance_stall_r2", 107, 2, "binance-spot", fault_kind::stall, seconds{1}, false, {}, false, scenario::effect::none},
        scenario{"okx_sequence_gap_r2", 108, 2, "okx", fault_kind::sequence_gap, {}, false, {}, false, scenario::effect::gap},
        scenario{"binance_reset_r1", 109, 1, "binance-spot", fault_kind::reset, {}, false, {}, false, scenario::effect::reconnect},
        scenario{"okx_half_open_r1", 110, 1, "okx", fault_kind::half_open, seconds{2}, false, {}, false, scenario::effect::reconnect},
        scenario{"binance_sequence_gap_r1", 111, 1, "binance-spot", fault_kind::sequence_gap, {}, false, {}, false, scenario::effect::gap},
        scenario{"okx_close_r1", 112, 1, "okx", fault_kind::close, {}, false, {}, false, scenario::effect::reconnect},
        // A corrupted checksum is caught and the book resynced; with the
        // checksum OKX sends since 2026 (always 0) nothing is checked and
        // the same fault does nothing.
        scenario{"okx_bad_checksum_r1", 113, 1, "okx", fault_kind::bad_checksum, {}, false, {}, true,
                 scenario::effect::resync},
        scenario{"okx_zero_checksum_r1", 114, 1, "okx", fault_kind::bad_checksum, {}, false, {}, true,
                 scenario::effect::no_resync, "zero"},
        // A book hole on one of two connections, whose twin lags: bridged
        // by the twin's copies, with no resync and no gap record.
        scenario{"okx_sequence_gap_one_of_two", 115, 2, "okx", fault_kind::sequence_gap, {}, true, {}, true,
                 scenario::effect::bridged, "crc32", milliseconds{200}},
        scenario{"binance_sequence_gap_one_of_two", 116, 2, "binance-spot", fault_kind::sequence_gap, {}, true, {},
                 true, scenario::effect::bridged, "crc32", milliseconds{500}},
        // A reconnect hole while REST is down for 2 s (503, then 429 with
        // Retry-After): the backfill waits for REST and fills it; no gap.
        scenario{"binance_reset_rest_503_r1", 117, 1, "binance-spot", fault_kind::reset, {}, false, {}, true,
                 scenario::effect::reconnect, "crc32", {}, 503, seconds{2}},
        scenario{"okx_reset_rest_429_r1", 118, 1, "okx", fault_kind::reset, {}, false, {}, true,
                 scenario::effect::reconnect, "crc32", {}, 429, seconds{2}}),
    [](const ::testing::TestParamInfo<scenario>& p) { return p.param.name; });

}  // namespace
}  // namespace sf
