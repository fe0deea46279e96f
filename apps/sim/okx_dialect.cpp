#include "sim/okx_dialect.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sim/decimal.hpp"
#include "sim/okx_checksum.hpp"

namespace sf::sim::okx_ws {

namespace json = boost::json;

namespace {

constexpr auto style = number_style::trimmed;
constexpr std::size_t books_depth = 400;

void append_str_decimal(std::string& out, std::int64_t units) {
  out.push_back('"');
  append_decimal(out, units, style);
  out.push_back('"');
}

void append_ms_string(std::string& out, wall_us us) {
  out.push_back('"');
  out += std::to_string(us / 1000);
  out.push_back('"');
}

// Number of orders at a level: not modelled, but stable for a given level.
std::int64_t orders_at(const level& l) { return l.qty == 0 ? 0 : 1 + static_cast<std::int64_t>(static_cast<std::uint64_t>(l.qty) % 13); }

void append_levels(std::string& out, const std::vector<level>& levels) {
  out.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    append_str_decimal(out, levels[i].price);
    out.push_back(',');
    append_str_decimal(out, levels[i].qty);
    out += R"(,"0",")";
    out += std::to_string(orders_at(levels[i]));
    out += "\"]";
  }
  out.push_back(']');
}

void append_arg(std::string& out, std::string_view channel, const market_stream& s) {
  out += R"({"arg":{"channel":")";
  out += channel;
  out += R"(","instId":")";
  out += s.venue_symbol();
  out += R"("})";
}

std::string book_body(const std::vector<level>& asks, const std::vector<level>& bids, wall_us ts) {
  std::string out;
  out += R"({"asks":)";
  append_levels(out, asks);
  out += R"(,"bids":)";
  append_levels(out, bids);
  out += R"(,"ts":)";
  append_ms_string(out, ts);
  return out;
}

std::string json_string(std::string_view s) { return json::serialize(json::string_view(s.data(), s.size())); }

}  // namespace

bool is_served_channel(std::string_view channel) noexcept {
  return channel == "trades" || channel == "books" || channel == "books5" || channel == "bbo-tbt";
}

std::string trades_frame(const market_stream& s, const trade_event& t) {
  std::string out;
  out.reserve(220);
  append_arg(out, "trades", s);
  out += R"(,"data":[{"instId":")";
  out += s.venue_symbol();
  out += R"(","tradeId":")";
  out += std::to_string(t.id);
  out += R"(","px":)";
  append_str_decimal(out, t.price);
  out += R"(,"sz":)";
  append_str_decimal(out, t.qty);
  out += t.buyer_is_maker ? R"(,"side":"sell","ts":)" : R"(,"side":"buy","ts":)";
  append_ms_string(out, t.ts);
  out += R"(,"count":"1","seqId":)";
  out += std::to_string(t.id);
  out += "}]}";
  return out;
}

std::string books_snapshot_frame(const market_stream& s, std::int32_t checksum) {
  std::string out;
  append_arg(out, "books", s);
  out += R"(,"action":"snapshot","data":[)";
  out += book_body(s.book().top(book_side::ask, books_depth), s.book().top(book_side::bid, books_depth),
                   s.wall_at(s.now()));
  out += R"(,"checksum":)";
  out += std::to_string(checksum);
  out += R"(,"prevSeqId":-1,"seqId":)";
  out += std::to_string(s.last_seq());
  out += "}]}";
  return out;
}

std::string books_update_frame(const market_stream& s, const book_update& u, std::int32_t checksum) {
  std::string out;
  out.reserve(320);
  append_arg(out, "books", s);
  out += R"(,"action":"update","data":[)";
  out += book_body(u.asks, u.bids, u.ts);
  out += R"(,"checksum":)";
  out += std::to_string(checksum);
  out += R"(,"prevSeqId":)";
  out += std::to_string(u.prev_seq);
  out += R"(,"seqId":)";
  out += std::to_string(u.last_seq);
  out += "}]}";
  return out;
}

std::string books5_frame(const market_stream& s) {
  std::string out;
  append_arg(out, "books5", s);
  out += R"(,"data":[)";
  out += book_body(s.book().top(book_side::ask, 5), s.book().top(book_side::bid, 5), s.wall_at(s.now()));
  out += R"(,"instId":")";
  out += s.venue_symbol();
  out += R"(","seqId":)";
  out += std::to_string(s.last_seq());
  out += "}]}";
  return out;
}

std::string bbo_frame(const market_stream& s) {
  std::string out;
  append_arg(out, "bbo-tbt", s);
  out += R"(,"data":[)";
  out += book_body(s.book().top(book_side::ask, 1), s.book().top(book_side::bid, 1), s.wall_at(s.now()));
  out += R"(,"seqId":)";
  out += std::to_string(s.last_seq());
  out += "}]}";
  return out;
}

std::string notice_frame(std::string_view conn_id) {
  return R"({"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":")" +
         std::string(conn_id) + "\"}";
}

std::int32_t book_checksum(const market_stream& s, checksum_mode mode) {
  return mode == checksum_mode::zero ? 0 : okx_checksum(s.book());
}

std::string rest_books(const market_stream& s, std::size_t depth, wall_us now) {
  std::string out = R"({"code":"0","msg":"","data":[)";
  out += book_body(s.book().top(book_side::ask, depth), s.book().top(book_side::bid, depth), now);
  out += "}]}";
  return out;
}

std::string rest_trade_item(const market_stream& s, const trade_event& t) {
  std::string out;
  out += R"({"instId":")";
  out += s.venue_symbol();
  out += t.buyer_is_maker ? R"(","side":"sell","sz":)" : R"(","side":"buy","sz":)";
  append_str_decimal(out, t.qty);
  out += R"(,"px":)";
  append_str_decimal(out, t.price);
  out += R"(,"tradeId":")";
  out += std::to_string(t.id);
  out += R"(","ts":)";
  append_ms_string(out, t.ts);
  out += '}';
  return out;
}

control_protocol::control_protocol(std::string conn_id, std::function<bool(std::string_view)> known_inst,
                                   std::size_t max_topics)
    : conn_id_(std::move(conn_id)), known_inst_(std::move(known_inst)), max_topics_(max_topics) {}

std::string control_protocol::error_frame(std::string_view id, std::string_view code, std::string_view msg,
                                          std::string_view conn_id) {
  std::string out = "{";
  if (!id.empty()) out += R"("id":)" + json_string(id) + ",";
  out += R"("event":"error","code":")";
  out += code;
  out += R"(","msg":)";
  out += json_string(msg);
  out += R"(,"connId":")";
  out += conn_id;
  out += "\"}";
  return out;
}

control_protocol::result control_protocol::handle(std::string_view text, bool allowed) {
  result r;
  json::error_code ec;
  const json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  const auto invalid = [&](std::string_view id) {
    r.replies.push_back(error_frame(id, "60012", "Invalid request: " + std::string(text), conn_id_));
    return r;
  };
  if (ec || !doc.is_object()) return invalid("");
  const auto& obj = doc.get_object();
  std::string id;
  if (const auto* v = obj.if_contains("id")) {
    if (v->is_string()) {
      id = std::string(v->get_string());
    } else if (!v->is_null()) {
      id = json::serialize(*v);
    }
  }
  const auto* op = obj.if_contains("op");
  if (!op || !op->is_string()) return invalid(id);
  const std::string_view op_name = op->get_string();
  if (op_name != "subscribe" && op_name != "unsubscribe") {
    r.replies.push_back(error_frame(id, "60019", "Invalid op: " + std::string(op_name), conn_id_));
    return r;
  }
  if (!allowed) {
    r.replies.push_back(error_frame(id, "60014", "Requests too frequent.", conn_id_));
    return r;
  }
  const auto* args = obj.if_contains("args");
  if (!args || !args->is_array() || args->get_array().empty()) return invalid(id);

  for (const auto& a : args->get_array()) {
    if (!a.is_object()) return invalid(id);
    const auto& arg = a.get_object();
    const auto* channel = arg.if_contains("channel");
    const auto* inst = arg.if_contains("instId");
    if (!channel || !channel->is_string()) {
      r.replies.push_back(error_frame(id, "60013", "Invalid args", conn_id_));
      continue;
    }
    const std::string ch(channel->get_string());
    const std::string inst_id = inst && inst->is_string() ? std::string(inst->get_string()) : std::string{};
    if (!is_served_channel(ch) || inst_id.empty() || !known_inst_(inst_id)) {
      r.replies.push_back(error_frame(
          id, "60018",
          "Wrong URL or channel:" + ch + ",instId:" + inst_id +
              " doesn't exist. Please use the correct URL, channel and parameters referring to API document.",
          conn_id_));
      continue;
    }
    topic t{ch, inst_id, json::serialize(a)};
    const auto it = std::find(topics_.begin(), topics_.end(), t);
    if (op_name == "subscribe") {
      if (it == topics_.end()) {
        if (max_topics_ != 0 && topics_.size() >= max_topics_) {
          r.close = std::pair{4008, std::string("The number of subscribed channels exceeds the maximum limit.")};
          return r;
        }
        topics_.push_back(t);
        r.subscribed.push_back(t);
      }
    } else if (it != topics_.end()) {
      topics_.erase(it);
    }
    std::string ack = "{";
    if (!id.empty()) ack += R"("id":)" + json_string(id) + ",";
    ack += R"("event":")";
    ack += op_name;
    ack += R"(","arg":)";
    ack += t.arg_json;
    ack += R"(,"connId":")";
    ack += conn_id_;
    ack += "\"}";
    r.replies.push_back(std::move(ack));
  }
  return r;
}

}  // namespace sf::sim::okx_ws
