#include "normalize_command.hpp"

#include <fmt/format.h>

#include <istream>
#include <map>
#include <ostream>

#include "steadyfeed/core/error.hpp"
#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {
namespace {

// Why a line that is not malformed produced no record.
std::string skip_reason(const inbound& msg) {
  switch (msg.kind) {
    case inbound_kind::ack:
      return "subscription acknowledgement";
    case inbound_kind::nack:
      return "venue error reply";
    case inbound_kind::ping:
    case inbound_kind::pong:
      return "heartbeat";
    case inbound_kind::notice:
      return "venue notice";
    case inbound_kind::ignore:
      return msg.reason.empty() ? "reply or event without market data" : std::string(msg.reason);
    case inbound_kind::data:
      return fmt::format("stream {} is not normalized", msg.stream);
    case inbound_kind::invalid:
      break;
  }
  return "not market data";
}

struct skipped_lines {
  std::size_t count = 0;
  std::size_t first_line = 0;
};

}  // namespace

int normalize_command(const std::string& venue, std::istream& in, std::ostream& out, std::ostream& err) {
  auto adapter = make_venue_adapter(venue, {});
  if (!adapter) {
    std::string known;
    for (auto v : known_venues()) known += (known.empty() ? "" : ", ") + std::string(v);
    err << fmt::format("normalize: unknown venue '{}' (known: {})\n", venue, known);
    return 2;
  }
  std::string line, output;
  std::size_t n = 0, bad = 0, records = 0;
  std::map<std::string, skipped_lines> skipped;
  auto skip = [&](std::string reason) {
    auto& s = skipped[std::move(reason)];
    if (s.count++ == 0) s.first_line = n;
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line == "\r") {
      skip("empty line");
      continue;
    }
    const inbound msg = adapter->decode(line);
    if (msg.kind == inbound_kind::invalid) {
      ++bad;
      err << fmt::format("line {}: {}{}{}\n", n, make_error_code(msg.error).message(), msg.reason.empty() ? "" : ": ",
                         msg.reason);
      continue;
    }
    if (msg.kind != inbound_kind::data || !msg.records) {
      skip(skip_reason(msg));
      continue;
    }
    output.clear();
    for (const auto& t : msg.records->trades) append_json(output, venue, t);
    for (const auto& b : msg.records->books) append_json(output, venue, b);
    records += msg.records->trades.size() + msg.records->books.size();
    out << output;
  }
  out.flush();
  std::size_t skipped_total = 0;
  for (const auto& [reason, s] : skipped) skipped_total += s.count;
  err << fmt::format("normalize: {} lines: {} records; {} lines skipped, {} malformed\n", n, records, skipped_total, bad);
  for (const auto& [reason, s] : skipped)
    err << fmt::format("  skipped {} × {} (first at line {})\n", s.count, reason, s.first_line);
  return bad == 0 ? 0 : 1;
}

}  // namespace sf::daemon
