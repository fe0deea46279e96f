// `steadyfeed normalize --venue V`: raw venue frames on stdin, one per line,
// to normalized NDJSON records on stdout — for replaying captures and for
// checking a parser against frames a venue actually sent.
//
// Every line is accounted for on stderr. A malformed frame, or one holding an
// impossible value (a price that is not positive, a side that is neither buy
// nor sell ...), is reported with its line number and the reason, and records
// nothing. Lines that carry no market data (acks, heartbeats, notices, events
// of streams that are not normalized, empty lines) are counted by reason, with
// the first line of each, in the closing summary.
#pragma once

#include <iosfwd>
#include <string>

namespace sf::daemon {

// 0 when every line was understood (records or a reason to skip it), 1 when
// some were malformed, 2 for an unknown venue.
int normalize_command(const std::string& venue, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
