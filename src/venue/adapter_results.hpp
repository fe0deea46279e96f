// The results venue adapters return for input they cannot use: an invalid
// frame (counted, the connection goes on) and a failed REST reply, each with
// the reason that names the problem.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "steadyfeed/core/error.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::venue_json {

inline inbound invalid(std::string_view why) noexcept {
  inbound in;
  in.kind = inbound_kind::invalid;
  in.error = errc::malformed_frame;
  in.reason = why;
  return in;
}

inline rest_status failed(errc e, std::string detail) {
  return rest_status{make_error_code(e), std::move(detail)};
}

inline rest_status malformed(std::string detail) {
  return failed(errc::malformed_frame, std::move(detail));
}

}  // namespace sf::venue_json
