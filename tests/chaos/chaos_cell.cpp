#include "chaos/chaos_cell.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "chaos/daemon_log.hpp"
#include "chaos/fault_plan.hpp"
#include "chaos/network_namespaces.hpp"
#include "support/child_process.hpp"

namespace sf::chaos {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void sleep_until_us(std::int64_t wall_us) {
  const std::int64_t left = wall_us - wall_now_us();
  if (left > 0) std::this_thread::sleep_for(std::chrono::microseconds{left});
}

// "endpoints: {...}" of the simulator's "<venue> config" line, once printed.
std::string endpoints_for(const std::string& printed, const std::string& venue) {
  std::size_t at = 0;
  while (at < printed.size()) {
    const auto end = printed.find('\n', at);
    if (end == std::string::npos) break;  // a line still being written
    const std::string_view line(printed.data() + at, end - at);
    at = end + 1;
    if (!line.starts_with(venue + " ") || line.find(" config ") == std::string_view::npos) continue;
    if (const auto e = line.find("endpoints: "); e != std::string_view::npos)
      return std::string(line.substr(e));
  }
  return {};
}

// The string value of `"key":"..."` in one JSON line of the fault log.
std::string field(std::string_view line, std::string_view key) {
  const std::string marker = fmt::format(R"("{}":")", key);
  const auto at = line.find(marker);
  if (at == std::string_view::npos) return {};
  const auto start = at + marker.size();
  return std::string(line.substr(start, line.find('"', start) - start));
}

std::int64_t number(std::string_view line, std::string_view key) {
  const std::string marker = fmt::format(R"("{}":)", key);
  const auto at = line.find(marker);
  if (at == std::string_view::npos) return 0;
  return std::stoll(std::string(line.substr(at + marker.size(), 20)));
}

// Faults after which a connection must have gone and come back.
bool breaks_a_connection(std::string_view fault) {
  static const std::set<std::string_view> breaking{"close",
                                                   "reset",
                                                   "half_open",
                                                   "oversized",
                                                   "maintenance",
                                                   "rest_5xx_in_hole",
                                                   "rest_429_in_hole",
                                                   "refused_reconnects",
                                                   "link_down",
                                                   "sigstop"};
  return breaking.contains(fault);
}

// Faults the daemon must at least notice (and say so in its log).
bool must_be_noticed(std::string_view fault) {
  return breaks_a_connection(fault) || fault == "sequence_gap" || fault == "bad_checksum";
}

}  // namespace

std::string cell_spec::name() const {
  return fmt::format("{}/{}/r{}", venue, fault, redundancy);
}

cell_result run_cell(const cell_spec& spec, const cell_settings& settings) {
  cell_result r;
  r.spec = spec;
  std::string why;
  const auto plan = plan_for(spec.fault, spec.venue, settings.fault_at, why);
  if (!plan) {
    r.skipped = why;
    return r;
  }
  if (plan->needs_namespaces && !network_namespaces::available()) {
    r.skipped = "needs root, ip and tc for network namespaces";
    return r;
  }
  const fs::path dir =
      settings.work_dir / fmt::format("{}-{}-r{}", spec.venue, spec.fault, spec.redundancy);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto problem = [&](std::string text) { r.problems.push_back(std::move(text)); };

  std::optional<network_namespaces> ns;
  if (plan->needs_namespaces) {
    static int subnet = 0;
    ns.emplace(std::to_string(::getpid() % 100000), 1 + subnet++ % 250);
  }
  const std::string host = ns ? ns->sim_address() : "127.0.0.1";

  std::vector<std::string> sim_argv{settings.sim_bin.string(),
                                    "--listen",
                                    host + ":0",
                                    "--venues",
                                    spec.venue,
                                    "--symbols",
                                    "BTCUSDT",
                                    "--rate",
                                    fmt::format("{}", settings.rate),
                                    "--seed",
                                    std::to_string(spec.seed),
                                    "--truth",
                                    (dir / "truth").string()};
  if (!plan->chaos_yaml.empty()) {
    std::ofstream(dir / "chaos.yaml") << plan->chaos_yaml;
    sim_argv.insert(sim_argv.end(), {"--chaos", (dir / "chaos.yaml").string()});
  }
  const std::int64_t sim_started = wall_now_us();
  test::child_process sim(ns ? ns->in_sim(sim_argv) : sim_argv, dir / "sim.out", dir / "sim.err");
  std::string endpoints;
  if (!test::poll_until(
          [&] {
            return !(endpoints = endpoints_for(test::read_file(dir / "sim.out"), spec.venue))
                        .empty();
          },
          seconds{10})) {
    problem("the simulator printed no endpoints: " + test::read_file(dir / "sim.err"));
    r.kept = dir;
    return r;
  }

  const fs::path config = dir / "steadyfeed.yaml";
  std::ofstream(config) << fmt::format(R"(supervisor:
  profile: development
  idle_timeout: 2s
  ws_ping_interval: 500ms
  pong_timeout: 1s
  connect_timeout: 2s
  backoff: {{initial: 100ms, max: 1s}}
log: {{level: info}}
feeds:
  - venue: {}
    symbols: [{}]
    channels: [trades, book]
    redundancy: {}
    {}
sinks:
  files: {{dir: "{}", flush_interval: 200ms}}
api: {{listen: "127.0.0.1:0"}}
)",
                                       spec.venue, spec.venue == "okx" ? "BTC-USDT" : "BTCUSDT",
                                       spec.redundancy, endpoints, (dir / "data").string());
  const std::vector<std::string> daemon_argv{settings.daemon_bin.string(), "run", "-c",
                                             config.string()};
  test::child_process daemon(ns ? ns->in_daemon(daemon_argv) : daemon_argv, dir / "daemon.out",
                             dir / "daemon.err");

  // Outside faults are the runner's to apply, at the same offset the
  // simulator's schedule uses.
  std::int64_t fault_us = 0;
  const std::int64_t fault_due = sim_started + settings.fault_at.count() * 1000;
  sleep_until_us(fault_due);
  switch (plan->outside) {
    case outside_fault::none:
      break;
    case outside_fault::link_down:
      fault_us = wall_now_us();
      ns->set_link(false);
      sleep_until_us(fault_us + plan->length.count() * 1000);
      ns->set_link(true);
      break;
    case outside_fault::squeeze:
      fault_us = wall_now_us();
      ns->squeeze("200kbit");
      sleep_until_us(fault_us + plan->length.count() * 1000);
      ns->unsqueeze();
      break;
    case outside_fault::sigstop:
      fault_us = wall_now_us();
      sim.signal(SIGSTOP);
      sleep_until_us(fault_us + plan->length.count() * 1000);
      sim.signal(SIGCONT);
      break;
  }
  if (plan->outside != outside_fault::none) r.fault_hits = "applied by the runner";
  sleep_until_us(fault_due + (plan->length + settings.after + seconds{3}).count() * 1000);

  const std::int64_t stopped = wall_now_us();
  daemon.signal(SIGTERM);
  if (const auto rc = daemon.wait(seconds{20}); rc != 0)
    problem(rc ? fmt::format("the daemon exited with {}", *rc)
               : "the daemon did not stop within 20 s of SIGTERM");
  sim.signal(SIGTERM);
  if (const auto rc = sim.wait(seconds{20}); rc != 0)
    problem(rc ? fmt::format("the simulator exited with {}", *rc)
               : "the simulator did not stop within 20 s");

  // What the fault hit, and when, from the simulator's own log.
  if (plan->outside == outside_fault::none) {
    const std::string log = test::read_file(dir / "truth" / "faults.ndjson");
    for (const auto& name : plan->logged) {
      bool seen = false;
      for (std::size_t at = 0; at < log.size();) {
        const auto end = log.find('\n', at);
        const std::string_view line(log.data() + at,
                                    (end == std::string::npos ? log.size() : end) - at);
        at = end == std::string::npos ? log.size() : end + 1;
        if (field(line, "fault") != name) continue;
        seen = true;
        const std::string hit = field(line, "detail");
        if (hit.starts_with("no matching"))
          problem(fmt::format("the {} fault hit nothing ({})", name, hit));
        if (name == plan->logged.back()) {
          fault_us = number(line, "ts");
          r.fault_hits = hit;
        }
      }
      if (!seen) problem(fmt::format("the simulator's fault log has no {} fault", name));
    }
  }

  const auto events = read_events(test::read_file(dir / "daemon.err"));
  if (fault_us > 0) {
    const reaction re = react(events, fault_us, stopped);
    r.detected_us = re.detected_us;
    r.recovered_us = re.recovered_us;
    r.detected_by = re.detected_by;
  }
  if (must_be_noticed(spec.fault) && !r.detected_us)
    problem("the daemon's log shows no sign of the fault");
  if (breaks_a_connection(spec.fault) && !r.recovered_us)
    problem("the daemon's log shows no recovery");

  daemon::verify_options vo;
  vo.to = stopped - 1'000'000;
  const auto report = daemon::verify_recording(dir / "truth", dir / "data", vo);
  r.totals = report.totals;
  r.streams = report.streams.size();
  for (const auto& e : report.errors) problem("verify: " + e);
  const auto& t = report.totals;
  const auto count = [&](std::uint64_t n, std::string_view what) {
    if (n != 0) problem(fmt::format("{} {}", n, what));
  };
  count(t.missing, "missing (lost, and no gap record says so)");
  count(t.duplicates, "duplicates");
  count(t.out_of_order, "out of order");
  count(t.mismatched, "differ from the truth");
  count(t.unknown, "unknown to the truth");
  count(t.gap_errors, "gap records with a wrong range");
  count(t.chain_breaks, "book chain breaks");
  count(t.books_differ, "book comparisons that differ");
  if (spec.redundancy > 1 && !plan->breaks_rest) count(t.reported, "reported lost at redundancy 2");
  if (t.books_compared == 0) problem("no book was compared with the truth");
  for (const auto& v : report.streams)
    if (v.expected == 0) problem(v.stream + ": nothing expected in the window");
  if (report.streams.size() != 2)
    problem(fmt::format("{} streams judged, not 2", report.streams.size()));
  if (!r.problems.empty() || settings.keep) {
    r.kept = dir;
  } else {
    fs::remove_all(dir);
  }
  return r;
}

}  // namespace sf::chaos
