// One cell of the chaos matrix: a fault, a venue and a redundancy, run
// through the real `steadyfeed-sim` and `steadyfeed run` as processes, then
// judged against the simulator's truth by `verify`.
//
// The simulator streams one symbol's trades and book at `rate` events per
// second each; the fault comes `fault_at` after the simulator's start; the
// daemon is stopped with SIGTERM `after` once the fault has ended, and the
// verify window runs up to one second before that stop, so a lost tail counts.
//
// What a cell must show (`problems` lists every way it did not):
//   * the fault happened: the simulator's fault log names the connections or
//     markets it hit (or the runner applied it), and a fault that breaks a
//     connection was detected and recovered from, by the daemon's own log;
//   * the recording holds every stream of the truth, with nothing missing
//     that no gap record names, no duplicate, nothing out of order or
//     different from the truth, no broken book chain, a book that matched
//     the truth wherever compared; at redundancy 2 nothing reported lost
//     either, unless the fault broke the venue's REST history;
//   * both processes exited cleanly.
//
// Thread safety: none; cells run one at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "verify.hpp"

namespace sf::chaos {

struct cell_spec {
  std::string fault;
  std::string venue;
  int redundancy = 1;
  std::uint64_t seed = 1;

  std::string name() const;  // "okx/half_open/r2"
};

struct cell_settings {
  std::filesystem::path daemon_bin, sim_bin;
  std::filesystem::path work_dir;  // each cell gets a subdirectory, removed when it passes
  double rate = 500;               // trades/s and book updates/s
  std::chrono::milliseconds fault_at{4000};
  std::chrono::milliseconds after{5000};
  bool keep = false;  // keep every cell's directory, not only failed ones
};

struct cell_result {
  cell_spec spec;
  std::string skipped;  // why the cell did not run (not applicable, or not possible here)
  std::optional<std::int64_t> detected_us, recovered_us;  // after the fault
  std::string detected_by;
  std::string fault_hits;  // what the fault log says it hit
  daemon::stream_verdict totals;
  std::uint64_t streams = 0;
  std::vector<std::string> problems;
  std::filesystem::path kept;  // the cell's directory, kept when it failed

  bool passed() const noexcept { return problems.empty(); }
};

cell_result run_cell(const cell_spec& spec, const cell_settings& settings);

}  // namespace sf::chaos
