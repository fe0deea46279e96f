// The daemon's recorder against the simulator when its disk fails while it
// records: its data directory deleted, the disk full (a small tmpfs), the
// directory read-only (a read-only bind mount). The feeds stay up, the error
// is an event at once, records wait in bounded memory and are written when
// the fault clears, what could not wait becomes a gap record, and the
// recording, judged against the simulator's truth, has no silent hole.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <filesystem>
#include <mutex>
#include <thread>

#include "config.hpp"
#include "recorder.hpp"
#include "sim/server.hpp"
#include "steadyfeed/sink/recording_reader.hpp"
#include "support/scratch_mount.hpp"
#include "verify.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

TEST(RecorderDisk, ADeletedDataDirectoryComesBackWithAGapRecordAndTheFeedsStayUp) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("steadyfeed-disk-{}", ::getpid());
  fs::remove_all(dir);
  sim::server_config sc;
  sc.venues = {"okx"};
  sc.symbols = {"BTCUSDT"};
  sc.market.seed = 77;
  sc.market.rate = 40;
  sc.log_to_stderr = false;
  boost::asio::io_context sim_ioc{1};
  sim::server simulator(sim_ioc, system_clock_source::instance(), sc);
  simulator.start();
  std::thread sim_thread([&] { sim_ioc.run(); });

  const auto config = daemon::parse_config(fmt::format(R"(
feeds:
  - venue: okx
    symbols: [BTC-USDT]
    channels: [trades]
    endpoints: {{ws: "ws://127.0.0.1:{0}/okx/ws/v5/public", rest: "http://127.0.0.1:{0}/okx"}}
sinks:
  files: {{dir: "{1}", flush_interval: 100ms}}
)",
                                                       simulator.port(), (dir / "data").string()),
                                           "disk");
  std::mutex mutex;
  std::vector<std::string> sink_errors;
  std::uint64_t reconnects = 0;
  {
    daemon::recorder rec(config, system_clock_source::instance(),
                         [&](std::string_view who, const event& e) {
                           std::lock_guard lock(mutex);
                           if (who.starts_with("sink ")) sink_errors.push_back(e.reason);
                         });
    rec.start();
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    fs::remove_all(dir / "data" / "okx");
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    for (const auto& f : rec.feeds())
      for (const auto& c : f.connections) reconnects += c.counters.reconnect_successes;
    rec.stop();
  }
  boost::asio::post(sim_ioc, [&] {
    simulator.stop();
    sim_ioc.stop();
  });
  sim_thread.join();

  {
    std::lock_guard lock(mutex);
    ASSERT_FALSE(sink_errors.empty()) << "the removal was never said";
    EXPECT_NE(sink_errors.front().find("No such file or directory"), std::string::npos)
        << sink_errors.front();
  }
  EXPECT_EQ(reconnects, 0u) << "a disk problem must not cost a connection";
  // The stream's file is back: a gap record for what the deleted file held,
  // then trades again.
  std::error_code ec;
  const auto streams = list_recording(dir / "data", ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(streams.count("okx/trades/BTC-USDT"), 1u);
  std::vector<std::string> lines;
  for (const auto& file : streams.at("okx/trades/BTC-USDT").files)
    ASSERT_FALSE(read_lines(file, [&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    }));
  ASSERT_GT(lines.size(), 10u);
  EXPECT_NE(lines.front().find(R"("type":"gap")"), std::string::npos) << lines.front();
  EXPECT_NE(lines.front().find("was removed while being written"), std::string::npos)
      << lines.front();
  EXPECT_NE(lines.back().find(R"("type":"trade")"), std::string::npos);
  fs::remove_all(dir);
}

struct disk_fault_run {
  std::vector<std::string> sink_errors;
  std::uint64_t reconnects = 0;
  daemon::sink_status sinks;
  daemon::verify_report report;
};

// Records OKX trades at 200/s into `data` for 1.5 s, calls `fault`, records
// 1.5 s more, calls `clear`, records 2 s more, stops, and judges the
// recording against the truth from one second after the start.
disk_fault_run record_through(const fs::path& dir, const fs::path& data,
                              std::int64_t max_pending_bytes, const std::function<void()>& fault,
                              const std::function<void()>& clear) {
  disk_fault_run out;
  sim::server_config sc;
  sc.venues = {"okx"};
  sc.symbols = {"BTCUSDT"};
  sc.market.seed = 78;
  sc.market.rate = 200;
  sc.market.epoch = system_clock_source::instance().wall_now();  // exchange times are today's
  sc.truth_dir = dir / "truth";
  sc.log_to_stderr = false;
  boost::asio::io_context sim_ioc{1};
  sim::server simulator(sim_ioc, system_clock_source::instance(), sc);
  simulator.start();
  std::thread sim_thread([&] { sim_ioc.run(); });
  const auto config =
      daemon::parse_config(fmt::format(R"(
feeds:
  - venue: okx
    symbols: [BTC-USDT]
    channels: [trades]
    endpoints: {{ws: "ws://127.0.0.1:{0}/okx/ws/v5/public", rest: "http://127.0.0.1:{0}/okx"}}
sinks:
  files: {{dir: "{1}", flush_interval: 100ms, max_pending_bytes: {2}}}
)",
                                       simulator.port(), data.string(), max_pending_bytes),
                           "disk");
  std::mutex mutex;
  daemon::verify_options window;  // from the first second on, whatever was recorded first
  window.from = sc.market.epoch + 1'000'000;
  window.streams = {"okx/trades/BTC-USDT"};
  {
    daemon::recorder rec(config, system_clock_source::instance(),
                         [&](std::string_view who, const event& e) {
                           std::lock_guard lock(mutex);
                           if (who.starts_with("sink ")) out.sink_errors.push_back(e.reason);
                         });
    rec.start();
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    fault();
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    clear();
    std::this_thread::sleep_for(std::chrono::milliseconds{2000});
    for (const auto& f : rec.feeds())
      for (const auto& c : f.connections) out.reconnects += c.counters.reconnect_successes;
    rec.stop();
    out.sinks = rec.sinks();
  }
  boost::asio::post(sim_ioc, [&] {
    simulator.stop();
    sim_ioc.stop();
  });
  sim_thread.join();
  out.report = daemon::verify_recording(dir / "truth", data, window);
  return out;
}

std::string describe(const disk_fault_run& r) {
  std::string text = fmt::format("reconnects={} dropped={} sink errors={} last={}\n", r.reconnects,
                                 r.sinks.dropped, r.sinks.errors, r.sinks.last_error);
  for (const auto& e : r.report.errors) text += "verify error: " + e + "\n";
  for (const auto& v : r.report.streams)
    text += fmt::format(
        "{} expected={} recorded={} missing={} reported={} duplicates={} gap_errors={} {}\n",
        v.stream, v.expected, v.recorded, v.missing, v.reported, v.duplicates, v.gap_errors,
        v.first_problem);
  return text;
}

// What every disk fault must end as: the feed never dropped, the error said,
// every truth trade recorded or named by a gap record with the right range.
void expect_survived(const disk_fault_run& r, std::string_view error_text) {
  SCOPED_TRACE(describe(r));
  ASSERT_FALSE(r.sink_errors.empty()) << "the fault was never said";
  EXPECT_NE(r.sink_errors.front().find(error_text), std::string::npos) << r.sink_errors.front();
  EXPECT_EQ(r.reconnects, 0u) << "a disk problem must not cost a connection";
  EXPECT_TRUE(r.report.errors.empty());
  ASSERT_EQ(r.report.streams.size(), 1u);
  const auto& t = r.report.totals;
  EXPECT_GT(t.expected, 500u);
  EXPECT_EQ(t.missing, 0u);
  EXPECT_EQ(t.duplicates, 0u);
  EXPECT_EQ(t.out_of_order, 0u);
  EXPECT_EQ(t.gap_errors, 0u);
  EXPECT_EQ(t.mismatched, 0u);
}

bool am_root() {
  return ::geteuid() == 0;
}

TEST(RecorderDisk, AFullDiskHoldsRecordsInMemoryAndWritesThemWhenSpaceReturns) {
  if (!am_root()) GTEST_SKIP() << "mounting a tmpfs needs root";
  const fs::path dir = fs::temp_directory_path() / fmt::format("steadyfeed-full-{}", ::getpid());
  fs::remove_all(dir);
  std::string why;
  auto disk = test::scratch_mount::try_tmpfs(dir / "data", 1 << 20, why);
  if (!disk) GTEST_SKIP() << why;
  const fs::path filler = dir / "data" / "filler";
  const auto r = record_through(
      dir, dir / "data", std::int64_t{8} << 20,
      [&] {
        // Every block taken: the next write fails with ENOSPC.
        std::FILE* f = std::fopen(filler.c_str(), "w");
        const std::string block(4096, 'x');
        while (std::fwrite(block.data(), 1, block.size(), f) == block.size() &&
               std::fflush(f) == 0) {
        }
        std::fclose(f);
      },
      [&] { fs::remove(filler); });
  expect_survived(r, "No space left on device");
  // Everything waited in memory: nothing was lost, nothing reported.
  EXPECT_EQ(r.report.totals.reported, 0u);
  EXPECT_EQ(r.sinks.dropped, 0u);
  disk.reset();
  fs::remove_all(dir);
}

// A read-only mount cannot be made while a file under it is open for
// writing (EBUSY), so the read-only directory is the stream's own: bound
// read-only before the first trade, while the data directory (and its lock)
// stays writable, and made writable again 3 s later.
TEST(RecorderDisk, AReadOnlyDirectoryLosesOnlyWhatMemoryCouldNotHoldAndSaysSoInAGapRecord) {
  if (!am_root()) GTEST_SKIP() << "a read-only bind mount needs root";
  const fs::path dir = fs::temp_directory_path() / fmt::format("steadyfeed-ro-{}", ::getpid());
  fs::remove_all(dir);
  std::string why;
  auto mount = test::scratch_mount::try_bind(dir / "data" / "okx", why);
  if (!mount) GTEST_SKIP() << why;
  ASSERT_TRUE(mount->set_read_only(true)) << std::strerror(errno);
  // 4 KiB holds about twenty trades: most of the 600 traded while the
  // directory is read-only cannot wait, and become a gap record.
  const auto r = record_through(
      dir, dir / "data", 4096, [] {},
      [&] { ASSERT_TRUE(mount->set_read_only(false)) << std::strerror(errno); });
  expect_survived(r, "Read-only file system");
  EXPECT_GT(r.report.totals.reported, 100u) << "what could not wait is named by a gap record";
  EXPECT_GT(r.sinks.dropped, 100u);
  mount.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sf
