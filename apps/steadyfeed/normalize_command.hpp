// `steadyfeed normalize --venue V`: raw venue frames on stdin, one per line,
// to normalized NDJSON records on stdout — for replaying captures and for
// checking a parser against frames a venue actually sent. Frames that are
// not data (acks, pongs) produce nothing; malformed ones are reported on
// stderr with their line number, and counted in the exit status.
#pragma once

#include <iosfwd>
#include <string>

namespace sf::daemon {

// 0 when every line was understood, 1 when some were malformed, 2 for an unknown venue.
int normalize_command(const std::string& venue, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
