#include "steadyfeed/sink/stdout_sink.hpp"

#include <cerrno>

namespace sf {

std::error_code stdout_sink::write(const sink_record& r) {
  if (std::fwrite(r.line.data(), 1, r.line.size(), out_) != r.line.size())
    return {errno ? errno : EIO, std::generic_category()};
  ++stats_.records;
  stats_.bytes_written += r.line.size();
  return {};
}

std::error_code stdout_sink::flush() {
  if (std::fflush(out_) != 0) return {errno ? errno : EIO, std::generic_category()};
  return {};
}

}  // namespace sf
