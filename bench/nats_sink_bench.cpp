// The JetStream sink's rate against a real `nats-server -js` on loopback
// (file storage): 200-byte trade records, each with its Nats-Msg-Id, written
// and acknowledged, on one thread. Target: 150 k records/s. Printed as
// records/s, as this process's CPU time per record (its own threads and
// libnats') and as the server's CPU time per record. The run fails unless
// every record is acknowledged and the stream holds exactly the records.
//
// On a 2-core machine the server and the client share the cores, and the
// server's CPU per record bounds the rate: libnats alone (BM_RawAsyncPublish)
// shows it with and without a Msg-Id, which the server checks against its
// duplicate window.
//
// And the spool's rates: appending records to disk, and reading them back.
#include <benchmark/benchmark.h>

#include <chrono>
#include <thread>
#include <fmt/format.h>

#include <nats/nats.h>

#include "bench_failure.hpp"
#include "process_cpu.hpp"
#include "process_usage.hpp"
#include "steadyfeed/sink/nats_sink.hpp"
#include "steadyfeed/sink/nats_stream_reader.hpp"
#include "steadyfeed/sink/record_spool.hpp"
#include "support/nats_server.hpp"
#include "support/temp_dir.hpp"

namespace {

std::string trade_line(std::int64_t id) {
  std::string line = fmt::format(
      R"({{"type":"trade","venue":"binance-spot","symbol":"BTCUSDT","id":"{}","price":"43000.10","qty":"0.00100000",)"
      R"("side":"buy","ts_exchange":1700000000000000,"ts_recv":1700000000000123}})",
      id);
  line.resize(199, ' ');
  line.push_back('\n');
  return line;
}

// A nats-server for one benchmark; null (the run failed) when it cannot start.
std::unique_ptr<sf::test::nats_server> start_server(benchmark::State& state, const std::filesystem::path& dir) {
  try {
    return std::make_unique<sf::test::nats_server>(dir / "server");
  } catch (const std::exception& e) {
    sf::bench::fail(state, e.what());
    return nullptr;
  }
}

void BM_NatsSinkPublish(benchmark::State& state) {
  sf::test::temp_dir dir("nats-bench");
  const auto server = start_server(state, dir.path);
  if (!server) return;
  const std::int64_t n = state.range(0);
  std::vector<std::string> lines;
  std::vector<std::string> ids;
  for (std::int64_t i = 0; i < n; ++i) {
    lines.push_back(trade_line(i));
    ids.push_back(std::to_string(i));
  }
  double records = 0, cpu = 0, server_cpu = 0, wall = 0, read_s = 0;
  int run = 0;
  for (auto _ : state) {
    sf::nats_sink_config c;
    c.servers = {server->url()};
    c.stream.name = fmt::format("BENCH{}", run++);
    c.subject_prefix = fmt::format("bench{}", run);
    sf::nats_sink sink(c);
    // Connected and the stream made: not part of the figure.
    for (int i = 0; i < 200 && !sink.nats_stats().connected; ++i) {
      sink.tick({});
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    sink.tick({});
    const auto usage0 = sf::bench::process_usage::now();
    const double server0 = sf::bench::process_cpu_seconds(server->pid());
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      sink.write(sf::sink_record{sf::record_kind::trade, "binance-spot", "trades", "BTCUSDT", ids[static_cast<std::size_t>(i)],
                                 1'700'000'000'000'123, lines[static_cast<std::size_t>(i)]});
      if ((i & 255) == 0) sink.tick({});
    }
    if (sink.flush()) {
      const auto st = sink.nats_stats();
      sf::bench::fail(state, fmt::format("not every record was acknowledged within the drain timeout: acked {}, "
                                         "in flight {}, queued {}, failures {}; {}",
                                         st.acked, st.in_flight, st.queued, st.failures, st.last_error));
      return;
    }
    const auto t1 = std::chrono::steady_clock::now();
    const auto usage = sf::bench::process_usage::now() - usage0;
    server_cpu += sf::bench::process_cpu_seconds(server->pid()) - server0;
    const auto st = sink.nats_stats();
    sink.close();
    if (st.acked != static_cast<std::uint64_t>(n) || st.duplicates != 0 || st.records_lost != 0) {
      sf::bench::fail(state, fmt::format("acked {} of {}, duplicates {}, lost {}", st.acked, n, st.duplicates,
                                         st.records_lost));
      return;
    }
    // Read back as `verify --nats` reads it.
    const auto r0 = std::chrono::steady_clock::now();
    const std::uint64_t read_back = sf::nats_stream_reader(c).read([](const sf::nats_stored_message&) {});
    read_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    if (read_back != static_cast<std::uint64_t>(n)) {
      sf::bench::fail(state, fmt::format("the stream does not hold exactly the records sent: read {}", read_back));
      return;
    }
    records += static_cast<double>(n);
    cpu += usage.cpu_seconds;
    wall += std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  state.counters["records_per_s"] = records / wall;
  state.counters["cpu_us_per_record"] = cpu / records * 1e6;
  state.counters["cpu_records_per_s"] = records / cpu;
  state.counters["server_cpu_us_per_record"] = server_cpu / records * 1e6;
  state.counters["read_back_records_per_s"] = records / read_s;
}
BENCHMARK(BM_NatsSinkPublish)->Arg(200'000)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

// libnats alone, for comparison: async publishes, the acks counted by a
// handler; with and without a per-message ack timeout (MaxWait, which
// libnats tracks with a timer per message), and with and without a Msg-Id.
void BM_RawAsyncPublish(benchmark::State& state) {
  sf::test::temp_dir dir("nats-raw");
  const auto server = start_server(state, dir.path);
  if (!server) return;
  const std::int64_t n = state.range(0);
  const bool max_wait = state.range(1) != 0;
  const bool with_id = state.range(2) != 0;
  std::vector<std::string> lines, ids;
  for (std::int64_t i = 0; i < n; ++i) {
    lines.push_back(trade_line(i));
    ids.push_back("binance-spot.trades.BTCUSDT." + std::to_string(i));
  }
  natsConnection* nc = nullptr;
  natsConnection_ConnectTo(&nc, server->url().c_str());
  static std::atomic<std::int64_t> acked{0};
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 8192;
  jo.PublishAsync.AckHandler = [](jsCtx*, natsMsg* m, jsPubAck* pa, jsPubAckErr*, void*) {
    if (pa) acked.fetch_add(1);
    natsMsg_Destroy(m);
  };
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, &jo);
  double records = 0, cpu = 0, server_cpu = 0, wall = 0;
  int run = 0;
  for (auto _ : state) {
    const std::string name = fmt::format("RAW{}", run++), subject = fmt::format("raw{}.x", run);
    const std::string wildcard = fmt::format("raw{}.>", run);
    const char* subjects[] = {wildcard.c_str()};
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = name.c_str();
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    js_AddStream(nullptr, js, &sc, nullptr, nullptr);
    acked = 0;
    const auto usage0 = sf::bench::process_usage::now();
    const double server0 = sf::bench::process_cpu_seconds(server->pid());
    const auto t0 = std::chrono::steady_clock::now();
    jsPubOptions po;
    for (std::int64_t i = 0; i < n; ++i) {
      jsPubOptions_Init(&po);
      if (with_id) po.MsgId = ids[static_cast<std::size_t>(i)].c_str();
      if (max_wait) po.MaxWait = 5000;
      js_PublishAsync(js, subject.c_str(), lines[static_cast<std::size_t>(i)].data(),
                      static_cast<int>(lines[static_cast<std::size_t>(i)].size()), &po);
    }
    jsPubOptions_Init(&po);
    po.MaxWait = 30000;
    js_PublishAsyncComplete(js, &po);
    const auto t1 = std::chrono::steady_clock::now();
    const auto usage = sf::bench::process_usage::now() - usage0;
    server_cpu += sf::bench::process_cpu_seconds(server->pid()) - server0;
    if (acked != n) {
      sf::bench::fail(state, fmt::format("acked {} of {}", acked.load(), n));
      break;
    }
    records += static_cast<double>(n);
    cpu += usage.cpu_seconds;
    wall += std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  state.counters["records_per_s"] = records / wall;
  state.counters["cpu_us_per_record"] = cpu / records * 1e6;
  state.counters["server_cpu_us_per_record"] = server_cpu / records * 1e6;
}
BENCHMARK(BM_RawAsyncPublish)
    ->ArgNames({"records", "max_wait", "msg_id"})
    ->Args({200'000, 0, 1})
    ->Args({200'000, 1, 1})
    ->Args({200'000, 0, 0})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_SpoolAppendThenRead(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  sf::spooled_record r{sf::record_kind::trade, "binance-spot", "trades", "BTCUSDT", "", 1'700'000'000'000'123, ""};
  double append_s = 0, read_s = 0, records = 0, bytes = 0;
  for (auto _ : state) {
    sf::test::temp_dir dir("spool-bench");
    sf::record_spool spool({.dir = dir.path / "spool"});
    if (spool.open()) {
      sf::bench::fail(state, "the spool did not open");
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      r.id = std::to_string(i);
      r.line = trade_line(i);
      if (spool.append(r)) {
        sf::bench::fail(state, "append failed");
        return;
      }
    }
    spool.flush();
    const auto t1 = std::chrono::steady_clock::now();
    std::vector<sf::spooled_record> out;
    std::error_code ec;
    std::int64_t got = 0;
    while (true) {
      out.clear();
      const auto k = spool.read(out, 4096, ec);
      if (k == 0 || ec) break;
      got += static_cast<std::int64_t>(k);
    }
    const auto t2 = std::chrono::steady_clock::now();
    if (ec || got != n) {
      sf::bench::fail(state, fmt::format("read back {} of {}", got, n));
      return;
    }
    bytes += static_cast<double>(spool.stats().bytes);
    append_s += std::chrono::duration<double>(t1 - t0).count();
    read_s += std::chrono::duration<double>(t2 - t1).count();
    records += static_cast<double>(n);
    state.SetIterationTime(std::chrono::duration<double>(t2 - t0).count());
  }
  state.counters["append_records_per_s"] = records / append_s;
  state.counters["read_records_per_s"] = records / read_s;
  state.counters["append_MB_per_s"] = bytes / append_s / 1e6;
}
BENCHMARK(BM_SpoolAppendThenRead)->Arg(500'000)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
