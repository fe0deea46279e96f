#include "stream_records.hpp"

#include <fmt/format.h>

#include "steadyfeed/sink/nats_stream_reader.hpp"
#include "steadyfeed/sink/nats_subject.hpp"

namespace sf::daemon {

stream_records read_stream_records(const nats_sink_config& config) {
  stream_records out;
  nats_stream_reader reader(config);
  const std::string prefix = config.subject_prefix + ".";
  reader.read([&](const nats_stored_message& m) {
    ++out.messages;
    std::string_view rest(m.subject);
    std::vector<std::string> names;
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
        names.push_back(subject_token_name(rest.substr(0, dot)));
        rest.remove_prefix(dot + 1);
      }
      names.push_back(subject_token_name(rest));
    }
    if (names.size() != 3) {
      if (out.errors.size() < 20)
        out.errors.push_back(fmt::format("message {}: subject {} is not {}venue.channel.symbol", m.sequence,
                                         m.subject, prefix));
      return;
    }
    std::string_view line(m.data);
    if (line.ends_with('\n')) line.remove_suffix(1);
    out.lines[fmt::format("{}/{}/{}", names[0], names[1], names[2])].emplace_back(line);
  });
  return out;
}

}  // namespace sf::daemon
