// Ground truth: every trade and book update the markets generate, in the
// record schema of design.md §5 (NDJSON), so `steadyfeed verify` can compare a
// recording against it.
//
// Layout under the truth directory:
//   <venue>/trades/<symbol>.ndjson             every trade
//   <venue>/book/<symbol>.ndjson               every book diff (seq, prev_seq)
//   <venue>/book/<symbol>.checkpoints.ndjson   full books ("snapshot":true,
//                                              "prev_seq":-1) at start, every
//                                              `checkpoint_every` updates, at close
// `symbol` is the venue's own spelling. Numbers are printed as the venue prints
// them, and a trade's ts_exchange at the venue's published precision (whole
// milliseconds); ts_recv is the moment of generation.
//
// Book lines are per generated update, whatever the venue batches on the
// wire: a Binance depthUpdate U..u (one per 100 ms / 1000 ms window) is the
// run of lines from the one with prev_seq + 1 == U to the one with seq == u,
// merged in order. Delivery faults (stall, drip, gaps, resets) never change
// the truth: a verifier sees what was skipped. What the venue itself publishes
// is in it: OKX keep-alive updates (seq == prev_seq, no levels) and OKX
// sequence resets (a line whose seq is smaller than its prev_seq).
//
// Files are written through large stdio buffers; `close()` (or destruction)
// writes the final checkpoints and flushes, which is what makes the files
// complete after SIGINT/SIGTERM.
//
// Thread safety: none; driven from the thread that advances the markets.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/market_stream.hpp"

namespace sf::sim {

class truth_writer final : public market_stream::listener {
 public:
  // Creates the directory tree for `streams` and writes their initial
  // checkpoints. Throws std::runtime_error naming the path on failure.
  truth_writer(std::filesystem::path dir, const std::vector<const market_stream*>& streams,
               std::size_t checkpoint_every = 1000);
  ~truth_writer() override;
  truth_writer(const truth_writer&) = delete;
  truth_writer& operator=(const truth_writer&) = delete;

  void on_trade(const market_stream& stream, const trade_event& trade) override;
  void on_book_update(const market_stream& stream, const book_update& update) override;

  // Final checkpoints, flush, close. Idempotent.
  void close();

  // Record formatting, shared with tests and other writers.
  static std::string trade_record(const market_stream& stream, const trade_event& trade);
  static std::string book_record(const market_stream& stream, const book_update& update);
  static std::string checkpoint_record(const market_stream& stream);

 private:
  struct file_closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  using file_ptr = std::unique_ptr<std::FILE, file_closer>;
  struct files {
    file_ptr trades;
    file_ptr book;
    file_ptr checkpoints;
    std::size_t updates_since_checkpoint = 0;
    const market_stream* stream = nullptr;
  };

  file_ptr open(const std::filesystem::path& path);
  void write(std::FILE* f, const std::string& line);

  std::filesystem::path dir_;
  std::size_t checkpoint_every_;
  std::map<const market_stream*, files> files_;
  bool closed_ = false;
};

}  // namespace sf::sim
