// `steadyfeed status [--api URL] [--watch]`: the connection table of a
// running daemon, read from its control API.
//
// Exit status: 0 every connection is live; 1 some connection is not;
// 2 the API did not answer (or answered something that is not the
// connection list), said on stderr.
#pragma once

#include <iosfwd>
#include <string>

#include <boost/json/object.hpp>

namespace sf::daemon {

struct status_options {
  std::string api = "http://127.0.0.1:8080";
  bool watch = false;  // redraw every two seconds until interrupted
};

int status_command(const status_options& options, std::ostream& out, std::ostream& err);

// The table for GET /api/v1/network/connections's answer; `all_live` says
// whether every connection is connected (or unstable, still delivering).
std::string format_connections(const boost::json::object& answer, bool& all_live);

}  // namespace sf::daemon
