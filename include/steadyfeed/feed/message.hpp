// One data message as a supervisor delivers it to its consumers (the market
// pipeline, a library user's callback): the frame, its stream and sequence id,
// the records the venue adapter parsed from it, and when it arrived.
//
// A view: the frame and the records are valid during the delivery callback
// only. Its own header, so that consumers need not include the supervisor.
#pragma once

#include <cstdint>
#include <string_view>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/record.hpp"
#include "steadyfeed/feed/action.hpp"

namespace sf {

// One data message, delivered once.
struct message {
  link_id link = 0;
  std::string_view stream;
  std::uint64_t seq = 0;
  bool has_seq = false;
  bool resets_sequence = false;
  std::string_view frame;  // valid only during the callback
  wall_us received = 0;
  const record_batch* records = nullptr;  // parsed records, if the venue parses; callback only
  // The supervisor's time at delivery: the frame's receive time, or the
  // switch-over for frames a rotation held back. Consumers on the same clock
  // use it instead of reading the clock again per message.
  time_point delivered{};
};

}  // namespace sf
