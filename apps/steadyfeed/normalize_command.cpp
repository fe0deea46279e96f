#include "normalize_command.hpp"

#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "steadyfeed/core/error.hpp"
#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

int normalize_command(const std::string& venue, std::istream& in, std::ostream& out, std::ostream& err) {
  auto adapter = make_venue_adapter(venue, {});
  if (!adapter) {
    std::string known;
    for (auto v : known_venues()) known += (known.empty() ? "" : ", ") + std::string(v);
    err << fmt::format("normalize: unknown venue '{}' (known: {})\n", venue, known);
    return 2;
  }
  std::string line, output;
  std::size_t n = 0, bad = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const inbound msg = adapter->decode(line);
    if (msg.kind == inbound_kind::invalid) {
      ++bad;
      err << fmt::format("line {}: {}{}{}\n", n, make_error_code(msg.error).message(), msg.reason.empty() ? "" : ": ",
                         msg.reason);
      continue;
    }
    if (msg.kind != inbound_kind::data || !msg.records) continue;
    output.clear();
    for (const auto& t : msg.records->trades) append_json(output, venue, t);
    for (const auto& b : msg.records->books) append_json(output, venue, b);
    out << output;
  }
  out.flush();
  if (bad > 0) err << fmt::format("normalize: {} of {} lines malformed\n", bad, n);
  return bad == 0 ? 0 : 1;
}

}  // namespace sf::daemon
