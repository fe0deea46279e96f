// A sink that prints every record's NDJSON line to a stdio stream (standard
// output by default): for piping a feed into jq or another program.
//
// Lines are written whole with one fwrite each, so a reader never sees half a
// record; stdio buffers them and flush() pushes them out.
//
// Thread safety: none (the sink router's thread). Lifetime: the stream must
// outlive the sink; the sink does not close it.
#pragma once

#include <cstdio>

#include "steadyfeed/sink/sink.hpp"

namespace sf {

class stdout_sink final : public sink {
 public:
  explicit stdout_sink(std::FILE* out = stdout) noexcept : out_(out) {}

  std::string_view name() const noexcept override { return "stdout"; }
  std::string describe() const override { return out_ == stdout ? "standard output" : "a stream"; }
  std::error_code write(const sink_record& r) override;
  std::error_code tick(time_point) override { return {}; }
  std::error_code flush() override;
  std::error_code close() override { return flush(); }
  sink_stats stats() const override { return stats_; }

 private:
  std::FILE* out_;
  sink_stats stats_;
};

}  // namespace sf
