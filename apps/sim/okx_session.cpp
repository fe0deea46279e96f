#include "sim/okx_session.hpp"

namespace sf::sim {

okx_session::okx_session(std::string venue, std::string conn_id, const market_registry& markets,
                         okx_ws::checksum_mode checksum, std::size_t max_topics)
    : venue_(std::move(venue)),
      markets_(markets),
      checksum_(checksum),
      control_(
          std::move(conn_id),
          [this](std::string_view inst) { return markets_.find(venue_, inst) != nullptr; },
          max_topics) {}

void okx_session::on_text(std::string_view text, session_link& link) {
  if (text == "ping") {
    link.push_text("pong");
    return;
  }
  const bool allowed = link.count_inbound();
  auto r = control_.handle(text, allowed);
  for (auto& reply : r.replies) link.push_text(std::move(reply));
  for (const auto& t : r.subscribed) {
    if (t.channel != "books") continue;
    if (const auto* s = markets_.find(venue_, t.inst_id))
      link.push_text(okx_ws::books_snapshot_frame(*s, okx_ws::book_checksum(*s, checksum_)));
  }
  if (r.close) link.close(r.close->first, r.close->second, "too many channels");
}

void okx_session::on_trade(const market_stream& s, const trade_event& t, frame_cache& cache,
                           session_link& link) {
  for (const auto& topic : control_.topics()) {
    if (topic.channel == "trades" && topic.inst_id == s.venue_symbol())
      link.push(cache.get("trades", [&] { return okx_ws::trades_frame(s, t); }));
  }
}

void okx_session::on_book_update(const market_stream& s, const book_update& u, frame_cache& cache,
                                 session_link& link) {
  const auto checksum = [&] {
    return cache.get("checksum",
                     [&] { return std::to_string(okx_ws::book_checksum(s, checksum_)); });
  };
  for (const auto& topic : control_.topics()) {
    if (topic.inst_id != s.venue_symbol()) continue;
    if (topic.channel == "books") {
      // A sequence gap drops the update: the next one's prevSeqId is not the last seqId.
      if (link.take_gap(s)) continue;
      // A zero checksum has nothing to corrupt.
      if (checksum_ == okx_ws::checksum_mode::crc32 && link.take_bad_checksum()) {
        link.push_text(okx_ws::books_update_frame(
            s, u, static_cast<std::int32_t>(std::stol(*checksum())) ^ 0x5a5a));
        continue;
      }
      link.push(cache.get("books", [&] {
        return okx_ws::books_update_frame(s, u, static_cast<std::int32_t>(std::stol(*checksum())));
      }));
    } else if (topic.channel == "books5") {
      link.push(cache.get("books5", [&] { return okx_ws::books5_frame(s); }));
    } else if (topic.channel == "bbo-tbt") {
      link.push(cache.get("bbo-tbt", [&] { return okx_ws::bbo_frame(s); }));
    }
  }
}

std::string okx_session::maintenance_notice(wall_us) const {
  return okx_ws::notice_frame(control_.conn_id());
}

std::string okx_session::malformed_frame() const {
  return R"({"arg":{"channel":"trades","instId":)";
}

std::optional<close_request> okx_session::slow_client_close() const {
  return close_request{4005, "Buffer full"};
}

close_request okx_session::idle_close() const {
  return {4004, "No data received in 30s."};
}

std::vector<std::string> okx_session::topics() const {
  std::vector<std::string> out;
  for (const auto& t : control_.topics()) out.push_back(t.channel + ":" + t.inst_id);
  return out;
}

std::string okx_session::describe_fields() const {
  return R"(,"connId":")" + control_.conn_id() + "\"";
}

}  // namespace sf::sim
