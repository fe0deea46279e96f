// What every venue adapter that speaks JSON over WebSocket shares: its
// endpoints, limits, heartbeat policy and book rules (set by the venue's
// constructor), the parse buffers for frames and REST bodies, the record
// batch decode() fills, and decode()'s promise that running out of memory
// on one frame makes that frame invalid instead of ending the process.
//
// A venue supplies decode_frame() and control_message(); the rest of
// venue_adapter is its own.
//
// Thread safety and lifetime: see venue_adapter.hpp.
#pragma once

#include <new>
#include <span>
#include <string>
#include <string_view>

#include "steadyfeed/venue/venue_adapter.hpp"
#include "venue/adapter_results.hpp"
#include "venue/json_scratch.hpp"

namespace sf {

class json_venue_adapter : public venue_adapter {
 public:
  const venue_limits& limits() const noexcept final { return limits_; }
  const heartbeat_policy& heartbeat() const noexcept final { return heartbeat_; }
  const book_rules& book_sync() const noexcept final { return book_rules_; }
  const std::string& rest_url() const noexcept final { return rest_url_; }
  const std::string& ws_url() const noexcept final { return ws_url_; }

  std::string subscribe_message(std::span<const std::string> topics, std::uint64_t request_id) const final {
    return control_message(true, topics, request_id);
  }
  std::string unsubscribe_message(std::span<const std::string> topics, std::uint64_t request_id) const final {
    return control_message(false, topics, request_id);
  }

  inbound decode(std::string_view frame) noexcept final;
  inbound decode_padded(std::string_view frame) noexcept final;

 protected:
  // `ws_url` is kept as given; the REST base loses any trailing slash, so
  // paths can be appended as they are.
  json_venue_adapter(std::string_view ws_url, std::string_view rest_url);

  // `url` without trailing slashes (for a base that paths are appended to).
  static std::string without_trailing_slash(std::string_view url);

  // The venue's request to subscribe (or unsubscribe) `topics`.
  virtual std::string control_message(bool subscribe, std::span<const std::string> topics,
                                      std::uint64_t request_id) const = 0;
  // decode() and decode_padded() themselves (`room` says which); may throw
  // std::bad_alloc, and nothing else. It starts with parse_frame().
  virtual inbound decode_frame(std::string_view frame, frame_room room) = 0;
  // Starts the On-Demand parse of the frame: where it lies when it is padded,
  // otherwise from a padded copy.
  simdjson::error_code parse_frame(std::string_view frame, frame_room room, simdjson::ondemand::document& doc) {
    return room == frame_room::padded ? frame_json_.parse_in_place(frame, doc) : frame_json_.parse(frame, doc);
  }

  // Runs `parse` (rest_status(record_batch&), which may throw std::bad_alloc)
  // into a cleared `out`, and leaves `out` empty unless it succeeds: a REST
  // reply is used whole or not at all. `what` names the reply in errors.
  template <class Parse>
  static rest_status parse_rest_reply(std::string_view what, record_batch& out, Parse&& parse) {
    out.clear();
    rest_status status;
    try {
      status = parse(out);
    } catch (const std::bad_alloc&) {
      status = venue_json::malformed(std::string(what) + ": out of memory");
    }
    if (!status.ok()) out.clear();
    return status;
  }

  std::string ws_url_;
  std::string rest_url_;
  venue_limits limits_;
  heartbeat_policy heartbeat_;
  book_rules book_rules_;
  venue_json::json_scratch frame_json_;
  venue_json::json_scratch rest_json_;
  record_batch batch_;

 private:
  inbound decode_guarded(std::string_view frame, frame_room room) noexcept;
};

}  // namespace sf
