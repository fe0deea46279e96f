// steadyfeed-chaos: runs the chaos matrix (every fault × venue × redundancy)
// through the real binaries and writes its table. `make chaos` runs it all
// and writes docs/chaos.md; --faults, --venues and --redundancy pick a part.
// Exits 1 when a cell fails, 2 on bad arguments.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "chaos/chaos_cell.hpp"
#include "chaos/chaos_table.hpp"
#include "chaos/fault_plan.hpp"

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto comma = text.find(',', at);
    const auto part = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sf::chaos;
  CLI::App app{
      "steadyfeed-chaos: every fault × venue × redundancy, judged against the simulator's truth"};
  cell_settings settings;
  settings.daemon_bin = STEADYFEED_BIN;
  settings.sim_bin = STEADYFEED_SIM_BIN;
  std::string out_file, faults, venues = "binance-spot,okx", redundancies = "1,2", work;
  std::uint64_t seed = 7100;
  int after_ms = static_cast<int>(settings.after.count());
  app.add_option("--out", out_file, "write the Markdown table here");
  app.add_option("--faults", faults, "comma-separated; default every fault");
  app.add_option("--venues", venues, "comma-separated")->capture_default_str();
  app.add_option("--redundancy", redundancies, "comma-separated")->capture_default_str();
  app.add_option("--rate", settings.rate, "trades/s and book updates/s per stream")
      ->capture_default_str();
  app.add_option("--seed", seed, "the first cell's seed; each next cell takes the next one")
      ->capture_default_str();
  app.add_option("--after-ms", after_ms, "how long the daemon runs on after a fault")
      ->capture_default_str();
  app.add_flag("--keep", settings.keep, "keep every cell's directory (logs, truth, recording)");
  app.add_option("--work", work,
                 "where cells run (default: the temp directory); failed cells are kept");
  app.add_option("--daemon", settings.daemon_bin, "the steadyfeed binary")->capture_default_str();
  app.add_option("--sim", settings.sim_bin, "the steadyfeed-sim binary")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  settings.after = std::chrono::milliseconds{after_ms};
  settings.work_dir = work.empty() ? std::filesystem::temp_directory_path() /
                                         fmt::format("steadyfeed-chaos-{}", ::getpid())
                                   : std::filesystem::path(work);

  const auto fault_list = faults.empty() ? fault_names() : split(faults);
  for (const auto& f : fault_list) {
    std::string why;
    if (!plan_for(f, "okx", settings.fault_at, why) && why.starts_with("unknown")) {
      std::cerr << "steadyfeed-chaos: " << why << '\n';
      return 2;
    }
  }
  std::vector<cell_result> results;
  bool all_passed = true;
  for (const auto& fault : fault_list)
    for (const auto& venue : split(venues))
      for (const auto& r : split(redundancies)) {
        const cell_spec spec{fault, venue, std::stoi(r), seed++};
        cell_result result;
        try {
          result = run_cell(spec, settings);
        } catch (const std::exception& e) {
          result.spec = spec;
          result.problems.push_back(e.what());
        }
        const auto& t = result.totals;
        if (!result.skipped.empty())
          std::cout << fmt::format("{:<36} n/a: {}\n", spec.name(), result.skipped);
        else
          std::cout << fmt::format(
              "{:<36} {} expected={} missing={} reported={} duplicates={} books_compared={} "
              "detected={} recovered={}{}\n",
              spec.name(), result.passed() ? "pass" : "FAIL", t.expected, t.missing, t.reported,
              t.duplicates, t.books_compared,
              result.detected_us ? std::to_string(*result.detected_us / 1000) + "ms" : "-",
              result.recovered_us ? std::to_string(*result.recovered_us / 1000) + "ms" : "-",
              result.kept.empty() ? "" : "  kept: " + result.kept.string());
        for (const auto& p : result.problems) std::cout << "    " << p << '\n';
        std::cout.flush();
        all_passed = all_passed && result.passed();
        results.push_back(std::move(result));
      }
  if (!out_file.empty()) std::ofstream(out_file) << chaos_table(results, settings);
  return all_passed ? 0 : 1;
}
