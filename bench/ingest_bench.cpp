// End-to-end ingest on one core: the simulator's blast (on its own thread)
// → ws_link → supervisor → binance-spot decode → market_pipeline → trade
// arbiter → a null sink, all on one client io_context thread, in frames per
// second. Beside it, on the same frames:
//
//   BM_Ceiling        a bare simdjson On-Demand walk visiting every value,
//                     input already padded: what parsing alone allows;
//   BM_Decode         the venue adapter's decode of the same frames alone;
//   BM_Pipeline       the same frames handed straight to the supervisor and on
//                     through the pipeline: everything but the transport;
//   BM_BareTransport  the blast received by a bare ws_link whose on_frame only
//                     counts: what the transport alone allows;
//   BM_EndToEnd       the whole chain, as the daemon wires it (feed_runner):
//                     connection_driver with the venue adapter, the message
//                     callback into the pipeline, its record callbacks. Run
//                     twice: into the null sink (which checks every trade's id
//                     follows the last), and formatting each trade's NDJSON
//                     line as the files and stdout sinks do, on the same
//                     thread. What feed_runner adds per message on top (a
//                     status copy under a mutex, the pipeline timer's re-arm)
//                     is the daemon's and is left out.
//
// The ceiling runs first and again last (see BM_Ceiling for its layouts).
//
// Target: end-to-end ≥ 3 M frames/s and ≥ 40 % of the ceiling. A summary of
// the figures is printed after the runs. They are wall-clock rates, each the
// median over stretches of a few milliseconds (about 50 000 frames for the
// ceiling, decode and pipeline; 32 768 frames of a continuous run for the
// transport and end to end), with their range beside it: on a machine shared
// with other work some stretches are slowed, and the median is not moved by
// them. The whole end-to-end runs' rates are printed as well.
//
// The ratio to the ceiling takes each side at its fastest: the ceiling's best
// memory layout, and end to end's best run (each run's median over its
// stretches). A machine shared with other work slows whole stretches of
// seconds, which a median within one run does not filter out; the pooled
// median of all runs is printed beside the ratio.
//
// The blast is Binance's combined stream served under a base URL
// (ws://127.0.0.1:port/_sim/blast/N, apps/sim/blast.hpp), so the adapter builds
// its usual /stream?streams=btcusdt@trade URL and the supervisor runs exactly
// as against the venue, with the stream in the URL and no acks to wait for.
// The blast's socket keeps only a few KiB unsent (blast_unsent_limit): on
// loopback a deep send queue is transmitted from the client's thread each
// time its reads open the window, which charges the server's transmit path
// to the client's core, where across a network it never runs.
// Trade ids run on across the blast's repetitions, so the arbiter must emit
// every frame once and in order: a run fails (and the program exits 1) unless
// the sink received exactly N trades with consecutive ids, and saw no gap, no
// duplicate, no backfill, no invalid frame and no reconnect.
//
// The client's allocations per frame are counted (a counting operator new for
// this thread) and reported, so that an allocation creeping onto the hot path
// shows.

#include <benchmark/benchmark.h>

#include "bench_failure.hpp"
#include <simdjson.h>

#include <alloca.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "blast_server.hpp"
#include "counting_new.hpp"
#include "sim/blast.hpp"
#include "sim/server.hpp"
#include "simdjson_walk.hpp"
#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/feed/market_pipeline.hpp"
#include "steadyfeed/net/connection_driver.hpp"
#include "steadyfeed/net/ws_link.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace {

namespace asio = boost::asio;
using namespace sf;
using bench::allocations;

constexpr std::string_view symbol = "BTCUSDT";
constexpr std::string_view stream = "btcusdt@trade";
constexpr std::int64_t frames_per_run = 2'000'000;
// A run still short of its frames by then has lost some.
constexpr duration run_timeout = seconds{60};

const sf::clock& wall_clock() {
  return system_clock_source::instance();
}

double seconds_between(time_point a, time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The blast of `frames` frames, at the combined stream's URL.
std::string stream_url(const bench::blast_server& server, std::int64_t frames) {
  return server.base_url(frames) + "/stream?streams=" + std::string(stream);
}

bench::blast_server* server = nullptr;

// The rates of one benchmark's separate runs. Its figure is their median: on
// a shared machine some runs are slowed by others' work, and one slowed run
// must not move the figure either way. The range is printed beside it.
struct rate_samples {
  std::vector<double> rates;

  void add(std::int64_t frames, double seconds) {
    if (seconds > 0) rates.push_back(static_cast<double>(frames) / seconds);
  }
  double median() const {
    if (rates.empty()) return 0;
    std::vector<double> r = rates;
    std::sort(r.begin(), r.end());
    const std::size_t n = r.size();
    return n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
  }
  double min() const { return rates.empty() ? 0 : *std::min_element(rates.begin(), rates.end()); }
  double max() const { return rates.empty() ? 0 : *std::max_element(rates.begin(), rates.end()); }
};

// Times a continuous run in chunks of about `chunk_frames` frames, one clock
// read per chunk, so that its figure is a median over short stretches like
// the ceiling's, not over whole runs that any pause on a shared machine drags
// down. (The whole runs' rates are printed too.)
struct chunk_timer {
  static constexpr std::int64_t chunk_frames = 32768;
  time_point mark{};
  std::int64_t marked = 0;

  void start(std::int64_t frames_so_far) {
    mark = wall_clock().now();
    marked = frames_so_far;
  }
  void at(std::int64_t frames_so_far, rate_samples& out) {
    if (frames_so_far - marked < chunk_frames) return;
    const time_point now = wall_clock().now();
    out.add(frames_so_far - marked, seconds_between(mark, now));
    mark = now;
    marked = frames_so_far;
  }
};

// The samples with the highest median: a set's figure at its fastest.
const rate_samples& fastest(const std::vector<rate_samples>& sets) {
  static const rate_samples none;
  const rate_samples* best = &none;
  for (const auto& set : sets)
    if (set.median() > best->median()) best = &set;
  return *best;
}

// What each benchmark measured (no samples: it did not run), for the summary.
struct figures {
  std::vector<rate_samples> ceiling_layouts;  // one per memory layout (see BM_Ceiling)
  rate_samples decode, pipeline, transport, end_to_end, end_to_end_ndjson;
  rate_samples end_to_end_runs;                   // whole runs, into the null sink
  std::vector<rate_samples> end_to_end_by_run;   // each run's stretches, into the null sink
  bool failed = false;

  // The fastest layout's samples.
  const rate_samples& ceiling() const { return fastest(ceiling_layouts); }
  // The fastest run's stretches, into the null sink.
  const rate_samples& end_to_end_fastest() const { return fastest(end_to_end_by_run); }
};
figures measured;

// Counters for one benchmark's line of output: its median run.
void report(benchmark::State& state, const rate_samples& samples, std::int64_t frames) {
  const double rate = samples.median();
  state.SetItemsProcessed(frames);
  state.counters["frames_per_s"] = rate;
  state.counters["ns_per_frame"] = rate > 0 ? 1e9 / rate : 0;
  state.counters["runs"] = static_cast<double>(samples.rates.size());
}

void fail(benchmark::State& state, const std::string& why) {
  measured.failed = true;
  sf::bench::fail(state, why);
}

// ---- the ceiling ------------------------------------------------------------------

// The first messages of the blast (combined wrapper and trade payload), each
// padded. 512 of them (~150 KB) stay in L2 as a frame just received does; the
// whole block would not, and the figure would measure cache misses instead.
std::vector<simdjson::padded_string> blast_messages(std::uint64_t seed) {
  constexpr std::size_t count = 512;
  const auto block = sim::make_blast_block(count, seed, stream);
  std::vector<simdjson::padded_string> out;
  if (!block) return out;
  for (std::size_t i = 0; i < block->frames; ++i) out.emplace_back(block->payload(block->bytes, i));
  return out;
}

// Each run visits the 512 messages `rounds_per_run` times.
constexpr int rounds_per_run = 100;
constexpr int runs = 31;

// Times `visit` over the messages, one run per benchmark iteration, into `samples`.
template <class Visit>
void time_rounds(benchmark::State& state, const std::vector<simdjson::padded_string>& messages,
                 rate_samples& samples, Visit&& visit) {
  std::int64_t frames = 0;
  for (auto _ : state) {
    const time_point start = wall_clock().now();
    for (int round = 0; round < rounds_per_run; ++round)
      for (const auto& m : messages) visit(m);
    const double seconds = seconds_between(start, wall_clock().now());
    state.SetIterationTime(seconds);
    const auto n = static_cast<std::int64_t>(messages.size()) * rounds_per_run;
    samples.add(n, seconds);
    frames += n;
  }
  report(state, samples, frames);
}

// The walk's speed depends on where its input, the parser and its buffers
// lie in memory: from one layout to another it varies by a fifth and more
// (86 to 116 ns a frame where this was written), more than the changes the
// ceiling is there to judge. So it is measured over several layouts (the
// parser on a stack shifted each time, the messages allocated afresh behind
// a different amount of other memory), and the ceiling is the fastest
// layout's median: what parsing alone allows at its best. The loop is
// written out rather than passed to time_rounds as a lambda, which compiled
// to one about 16 ns a frame slower.
constexpr int ceiling_layouts = 8;
constexpr int samples_per_layout = 5;

// One layout's samples; empty if the messages did not parse.
[[gnu::noinline]] rate_samples measure_ceiling_layout(std::size_t heap_shift, double& seconds_total,
                                                      std::int64_t& frames_total) {
  std::vector<char> shift(heap_shift);
  benchmark::DoNotOptimize(shift.data());
  const auto messages = blast_messages(server->seed());
  simdjson::ondemand::parser parser;
  rate_samples out;
  if (messages.empty()) return out;
  for (const auto& m : messages)
    if (bench::bare_parse(parser, m) == 0) return out;
  for (int sample = 0; sample < samples_per_layout; ++sample) {
    const time_point start = wall_clock().now();
    for (int round = 0; round < rounds_per_run; ++round)
      for (const auto& m : messages) benchmark::DoNotOptimize(bench::bare_parse(parser, m));
    const double seconds = seconds_between(start, wall_clock().now());
    const auto n = static_cast<std::int64_t>(messages.size()) * rounds_per_run;
    out.add(n, seconds);
    seconds_total += seconds;
    frames_total += n;
  }
  return out;
}

void BM_Ceiling(benchmark::State& state) {
  std::int64_t frames = 0;
  for (auto _ : state) {
    double seconds = 0;
    for (int l = 0; l < ceiling_layouts; ++l) {
      const std::size_t layout = measured.ceiling_layouts.size();
      // The next call's frame, and so the parser in it, sits lower by this much.
      void* stack_shift = alloca(64 * (layout % 8) + 16);
      benchmark::DoNotOptimize(stack_shift);
      rate_samples r = measure_ceiling_layout(64 * (1 + layout * 37 % 64), seconds, frames);
      if (r.rates.empty()) return fail(state, "no blast block, or a blast frame did not parse");
      measured.ceiling_layouts.push_back(std::move(r));
    }
    state.SetIterationTime(seconds);
  }
  report(state, measured.ceiling(), frames);
  state.counters["layouts"] = static_cast<double>(measured.ceiling_layouts.size());
}
BENCHMARK(BM_Ceiling)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// ---- decode alone -------------------------------------------------------------------

// As the driver hands frames over: the messages are padded.
void BM_Decode(benchmark::State& state) {
  const auto messages = blast_messages(server->seed());
  auto adapter = make_venue_adapter("binance-spot");
  if (messages.empty()) return fail(state, "no blast block");
  for (const auto& m : messages)
    if (adapter->decode_padded(m).kind != inbound_kind::data)
      return fail(state, "a blast frame did not decode as data");
  time_rounds(state, messages, measured.decode, [&](const simdjson::padded_string& m) {
    const inbound in = adapter->decode_padded(m);
    benchmark::DoNotOptimize(in.seq);
    benchmark::DoNotOptimize(in.records);
  });
}
BENCHMARK(BM_Decode)->Iterations(runs)->UseManualTime()->Unit(benchmark::kMillisecond);

// ---- checking a run against the blast ---------------------------------------------------

struct ingest_run {
  std::int64_t lines = 0;  // trades the sink received
  std::uint64_t line_bytes = 0;  // of their NDJSON lines, when formatted
  std::uint64_t first_id = 0;
  std::uint64_t out_of_order = 0;  // trades whose id did not follow the last one's
  std::uint64_t last_id = 0;
  std::string line;  // the line being formatted, reused
  std::uint64_t allocations = 0;
  double seconds = 0;
  chunk_timer timer;
  rate_samples chunks;
  market_pipeline_stats pipeline;
  trade_arbiter_stats arbiter;
  std::string error;  // the first thing that went wrong
};

// What the pipeline's output goes to. `none` is the null sink: it counts the
// trades and checks their ids follow each other. `ndjson` also formats each as
// the files and stdout sinks do (record_json.hpp), into a reused line.
enum class sink_format { none, ndjson };

market_pipeline::callbacks sink_callbacks(ingest_run& run, sink_format format) {
  market_pipeline::callbacks cb;
  cb.trade = [&run, format](const trade_record& t) {
    if (run.lines++ != 0 && t.id != run.last_id + 1) ++run.out_of_order;
    run.last_id = t.id;
    if (format == sink_format::ndjson) {
      run.line.clear();
      append_json(run.line, "binance-spot", t);
      run.line_bytes += run.line.size();
    }
  };
  cb.gap = [&run](const gap_record&) {
    if (run.error.empty()) run.error = "the sink received a gap";
  };
  cb.fetch = [](std::uint64_t, const rest_request&) {};
  return cb;
}

// Checks the arbiter's output against the blast: `frames` trades, one each.
std::string verify(const ingest_run& run, std::int64_t frames) {
  const auto n = static_cast<std::uint64_t>(frames);
  if (!run.error.empty()) return run.error;
  if (run.pipeline.trades != n || static_cast<std::uint64_t>(run.lines) != n)
    return "expected " + std::to_string(n) + " trades, the arbiter emitted " +
           std::to_string(run.pipeline.trades) + " (" + std::to_string(run.lines) + " lines)";
  if (run.out_of_order != 0)
    return std::to_string(run.out_of_order) + " trades reached the sink out of order";
  if (run.pipeline.gaps != 0 || run.arbiter.duplicates != 0 || run.pipeline.rest_requests != 0 ||
      run.arbiter.held != 0)
    return "gaps " + std::to_string(run.pipeline.gaps) + ", duplicates " +
           std::to_string(run.arbiter.duplicates) + ", backfills " +
           std::to_string(run.pipeline.rest_requests) + ", held " +
           std::to_string(run.arbiter.held);
  if (run.arbiter.last_id != run.first_id + n - 1)
    return "ids " + std::to_string(run.first_id) + ".." + std::to_string(run.arbiter.last_id) +
           " are not " + std::to_string(n) + " consecutive ids";
  return {};
}

// ---- everything but the transport ------------------------------------------------------

// The blast's frames handed straight to a supervisor as the driver hands them
// over (the clocks read once per read, here once per 256 frames; the frames
// marked padded, which they are, in a block with room after its end), and on
// through the pipeline: the chain without sockets, so the figure does not move
// with the server or the kernel. Ids keep running on: the copy of the block is
// renumbered between rounds, outside the timing.
void BM_Pipeline(benchmark::State& state) {
  const auto block = sim::make_blast_block(512, server->seed(), stream);
  if (!block) return fail(state, "no blast block");
  std::string copy = block->bytes;
  copy.reserve(copy.size() + frame_padding);
  const sf::clock& clk = wall_clock();
  const venue_endpoints endpoints{"ws://127.0.0.1:9", "http://127.0.0.1:9"};
  auto adapter = make_venue_adapter("binance-spot", endpoints);
  const std::vector<std::string> topics{adapter->topic(channel::trades, symbol)};
  market_pipeline pipeline(make_venue_adapter("binance-spot", endpoints), {std::string(symbol)},
                           {channel::trades});
  ingest_run run;
  pipeline.set_callbacks(sink_callbacks(run, sink_format::none));
  supervisor_config config;
  config.name = "pipeline";
  config.seed = 1;
  supervisor sup(config, std::shared_ptr<venue_protocol>(std::move(adapter)), topics, clk.now(),
                 clk.wall_now());
  sup.set_callbacks({
      [&](const message& m) {
        if (run.first_id == 0 && m.records && !m.records->trades.empty())
          run.first_id = m.records->trades.front().id;
        pipeline.on_message(m, m.delivered);
      },
      {},
      [&](const event& e) {
        if (e.kind == event_kind::error && run.error.empty()) run.error = "supervisor: " + e.reason;
      },
  });
  sup.start(clk.now(), clk.wall_now());
  const link_id link = sup.primary_link();
  sup.on_open(link, clk.now(), clk.wall_now());
  sup.take_actions();
  std::int64_t frames = 0;
  const std::uint64_t allocations_at_start = allocations;
  for (auto _ : state) {
    double seconds = 0;
    for (int round = 0; round < rounds_per_run; ++round) {
      const time_point start = clk.now();
      time_point now{};
      wall_us wall = 0;
      for (std::size_t i = 0; i < block->frames; ++i) {
        if (i % 256 == 0) {
          now = clk.now();
          wall = clk.wall_now();
        }
        sup.on_frame(link, block->payload(copy, i), now, wall, frame_room::padded);
      }
      seconds += seconds_between(start, clk.now());
      sim::advance_repetition(*block, copy);  // outside the timing
    }
    state.SetIterationTime(seconds);
    const auto n = static_cast<std::int64_t>(block->frames) * rounds_per_run;
    measured.pipeline.add(n, seconds);
    frames += n;
  }
  run.allocations = allocations - allocations_at_start;
  run.pipeline = pipeline.stats();
  if (const trade_arbiter* a = pipeline.arbiter(symbol)) run.arbiter = a->stats();
  if (const std::string why = verify(run, frames); !why.empty()) return fail(state, why);
  report(state, measured.pipeline, frames);
  state.counters["allocs_per_frame"] =
      static_cast<double>(run.allocations) / static_cast<double>(frames);
}
BENCHMARK(BM_Pipeline)->Iterations(runs)->UseManualTime()->Unit(benchmark::kMillisecond);

// ---- the bare transport --------------------------------------------------------------

struct transport_run {
  std::int64_t frames = 0;
  double seconds = 0;
  chunk_timer timer;
  rate_samples chunks;
  std::string error;
};

transport_run receive_blast(std::int64_t frames) {
  asio::io_context ioc{1};
  transport_run run;
  time_point start{}, end{};
  ws_link_callbacks cb;
  cb.on_open = [&] {
    start = wall_clock().now();
    run.timer.start(0);
  };
  cb.on_open_failed = [&](const failure& f) {
    run.error = "could not connect: " + f.to_string();
    ioc.stop();
  };
  cb.on_frame = [&](std::string_view) {
    run.timer.at(++run.frames, run.chunks);
    if (run.frames < frames) return;
    end = wall_clock().now();
    ioc.stop();
  };
  cb.on_closed = [&](const failure& f) {
    // The server closes after the last frame, sometimes within the same read.
    if (run.frames >= frames) return;
    run.error = "closed after " + std::to_string(run.frames) + " frames: " + f.to_string();
    ioc.stop();
  };
  ws_link link(ioc.get_executor(), {}, std::move(cb));
  link.open(stream_url(*server, frames));
  ioc.run_for(run_timeout);
  if (run.error.empty() && run.frames < frames) run.error = "timed out";
  run.seconds = seconds_between(start, end);
  return run;
}

void BM_BareTransport(benchmark::State& state) {
  const std::int64_t frames = state.range(0);
  std::int64_t total = 0;
  for (auto _ : state) {
    const transport_run run = receive_blast(frames);
    if (!run.error.empty()) return fail(state, run.error);
    state.SetIterationTime(run.seconds);
    measured.transport.rates.insert(measured.transport.rates.end(), run.chunks.rates.begin(),
                                    run.chunks.rates.end());
    total += run.frames;
  }
  report(state, measured.transport, total);
}
BENCHMARK(BM_BareTransport)
    ->Arg(frames_per_run)
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// ---- end to end -----------------------------------------------------------------------

ingest_run ingest_blast(std::int64_t frames, sink_format format) {
  asio::io_context ioc{1};
  ingest_run run;
  // The REST base is never reached: a run that asks for a backfill fails.
  const venue_endpoints endpoints{server->base_url(frames), "http://127.0.0.1:9"};
  auto adapter = make_venue_adapter("binance-spot", endpoints);
  const std::vector<std::string> topics{adapter->topic(channel::trades, symbol)};
  market_pipeline pipeline(make_venue_adapter("binance-spot", endpoints), {std::string(symbol)},
                           {channel::trades});
  pipeline.set_callbacks(sink_callbacks(run, format));
  time_point start{}, end{};
  std::uint64_t allocations_at_start = 0;
  const auto done = [&](std::string why) {
    // The server closes after the last frame, sometimes within the same read.
    if (end != time_point{}) return;
    if (run.error.empty()) run.error = std::move(why);
    ioc.stop();
  };
  supervisor_config config;
  config.name = "ingest";
  config.seed = 1;
  connection_driver driver(ioc.get_executor(), config,
                           std::shared_ptr<venue_protocol>(std::move(adapter)), topics,
                           wall_clock());
  driver.set_callbacks({
      [&](const message& m) {
        if (run.first_id == 0 && m.records && !m.records->trades.empty())
          run.first_id = m.records->trades.front().id;
        pipeline.on_message(m, m.delivered);
        const auto trades = static_cast<std::int64_t>(pipeline.stats().trades);
        run.timer.at(trades, run.chunks);
        if (trades < frames) return;
        end = wall_clock().now();
        run.allocations = allocations - allocations_at_start;
        ioc.stop();
      },
      [&](connection_state, connection_state to, std::string_view why) {
        if (to == connection_state::connected) {
          start = wall_clock().now();
          run.timer.start(0);
          allocations_at_start = allocations;
        } else if (to != connection_state::connecting) {
          done("connection " + std::string(to_string(to)) + ": " + std::string(why));
        }
      },
      [&](const event& e) {
        if (e.kind == event_kind::error) done("supervisor: " + e.reason);
      },
  });
  driver.start();
  ioc.run_for(run_timeout);
  if (run.error.empty() && end == time_point{}) run.error = "timed out";
  run.seconds = seconds_between(start, end);
  run.pipeline = pipeline.stats();
  if (const trade_arbiter* a = pipeline.arbiter(symbol)) run.arbiter = a->stats();
  return run;
}

void BM_EndToEnd(benchmark::State& state) {
  const std::int64_t frames = state.range(0);
  const auto format = static_cast<sink_format>(state.range(1));
  rate_samples& samples = format == sink_format::none ? measured.end_to_end : measured.end_to_end_ndjson;
  std::int64_t total = 0;
  std::uint64_t line_bytes = 0, allocs = 0;
  for (auto _ : state) {
    const ingest_run run = ingest_blast(frames, format);
    if (const std::string why = verify(run, frames); !why.empty()) return fail(state, why);
    state.SetIterationTime(run.seconds);
    samples.rates.insert(samples.rates.end(), run.chunks.rates.begin(), run.chunks.rates.end());
    if (format == sink_format::none) {
      measured.end_to_end_runs.add(frames, run.seconds);
      measured.end_to_end_by_run.push_back(run.chunks);
    }
    total += frames;
    line_bytes += run.line_bytes;
    allocs += run.allocations;
  }
  report(state, samples, total);
  if (format == sink_format::ndjson)
    state.counters["line_bytes"] = static_cast<double>(line_bytes) / static_cast<double>(total);
  state.counters["allocs_per_frame"] = static_cast<double>(allocs) / static_cast<double>(total);
  // As the summary's ratio: the fastest run's median against the fastest layout's.
  const double fastest_run = format == sink_format::none ? measured.end_to_end_fastest().median() : 0;
  if (measured.ceiling().median() > 0 && fastest_run > 0)
    state.counters["pct_of_ceiling"] = 100 * fastest_run / measured.ceiling().median();
}
// Second argument: 0 the null sink, 1 NDJSON lines formatted as the files sink's.
BENCHMARK(BM_EndToEnd)
    ->Args({frames_per_run, static_cast<std::int64_t>(sink_format::none)})
    ->Args({frames_per_run, static_cast<std::int64_t>(sink_format::ndjson)})
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void print_summary() {
  const auto line = [](const char* what, const rate_samples& r) {
    if (r.rates.empty()) return;
    std::printf("ingest: %-52s %6.2f M frames/s  %4.0f ns/frame  (%zu samples, %.2f-%.2f M)\n", what,
                r.median() / 1e6, 1e9 / r.median(), r.rates.size(), r.min() / 1e6, r.max() / 1e6);
  };
  // Each set's median, on one line.
  const auto medians = [](const char* what, const std::vector<rate_samples>& sets) {
    if (sets.empty()) return;
    std::printf("ingest: %-52s", what);
    for (const auto& set : sets) std::printf(" %.2f", set.median() / 1e6);
    std::printf("\n");
  };
  line("end to end (blast -> ... -> null sink)", measured.end_to_end);
  line("end to end, its fastest run", measured.end_to_end_fastest());
  medians("  its runs' medians (M frames/s)", measured.end_to_end_by_run);
  line("end to end, whole runs", measured.end_to_end_runs);
  line("end to end, formatting NDJSON lines (as files/stdout)", measured.end_to_end_ndjson);
  line("ceiling (bare simdjson walk, same frames)", measured.ceiling());
  medians("  its memory layouts' medians (M frames/s)", measured.ceiling_layouts);
  line("decode alone (binance-spot adapter, same frames)", measured.decode);
  line("everything but the transport (same frames)", measured.pipeline);
  line("bare transport (ws_link, counting on_frame)", measured.transport);
  const double e2e = measured.end_to_end_fastest().median(), pooled = measured.end_to_end.median();
  const double ceiling = measured.ceiling().median();
  if (e2e > 0 && ceiling > 0)
    std::printf(
        "ingest: end to end is %.0f %% of the ceiling (each at its fastest: the best of %zu runs' medians against "
        "the best of %zu layouts'; all runs pooled: %.0f %%; target >= 3 M frames/s and >= 40 %%)\n",
        100 * e2e / ceiling, measured.end_to_end_by_run.size(), measured.ceiling_layouts.size(),
        100 * pooled / ceiling);
}

}  // namespace

int main(int argc, char** argv) {
  // The ceiling is measured again after everything else, in more layouts:
  // the machine's state drifts during a run, and a ratio between figures
  // taken minutes apart should not depend on when each was taken.
  benchmark::RegisterBenchmark("BM_Ceiling/again", BM_Ceiling)
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  {
    bench::blast_server srv;
    server = &srv;
    benchmark::RunSpecifiedBenchmarks();
    server = nullptr;
  }
  benchmark::Shutdown();
  print_summary();
  return measured.failed ? 1 : 0;
}
