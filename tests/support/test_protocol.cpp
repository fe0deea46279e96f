#include "support/test_protocol.hpp"

#include <charconv>

namespace sf::test {
namespace {

// The value of `"key":` as digits, or false.
bool number_after(std::string_view frame, std::string_view key, std::uint64_t& out) {
  const auto at = frame.find(key);
  if (at == std::string_view::npos) return false;
  const char* first = frame.data() + at + key.size();
  const char* last = frame.data() + frame.size();
  return std::from_chars(first, last, out).ec == std::errc{};
}

// The string value of `"key":"`, or false.
bool string_after(std::string_view frame, std::string_view key, std::string_view& out) {
  const auto at = frame.find(key);
  if (at == std::string_view::npos) return false;
  const auto start = at + key.size();
  const auto end = frame.find('"', start);
  if (end == std::string_view::npos) return false;
  out = frame.substr(start, end - start);
  return true;
}

std::string join_topics(std::span<const std::string> topics) {
  std::string out;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += topics[i];
    out += '"';
  }
  return out;
}

std::string request(std::string_view op, std::span<const std::string> topics, std::uint64_t id) {
  return R"({"op":")" + std::string(op) + R"(","id":)" + std::to_string(id) + R"(,"args":[)" +
         join_topics(topics) + "]}";
}

}  // namespace

std::string test_protocol::url(std::span<const std::string> topics) const {
  std::string out = options_.url;
  if (options_.mode == subscribe_mode::url && !topics.empty()) {
    out += "?streams=";
    for (std::size_t i = 0; i < topics.size(); ++i) {
      if (i) out += '/';
      out += topics[i];
    }
  }
  return out;
}

std::string test_protocol::subscribe_message(std::span<const std::string> topics,
                                             std::uint64_t request_id) const {
  return request("subscribe", topics, request_id);
}

std::string test_protocol::unsubscribe_message(std::span<const std::string> topics,
                                               std::uint64_t request_id) const {
  return request("unsubscribe", topics, request_id);
}

inbound test_protocol::decode(std::string_view frame) noexcept {
  inbound in;
  if (frame == "pong") {
    in.kind = inbound_kind::pong;
    return in;
  }
  if (frame == "ping") {
    in.kind = inbound_kind::ping;
    in.reply = "pong";
    return in;
  }
  if (parse_test_data(frame, in.stream, in.seq)) {
    in.kind = inbound_kind::data;
    in.has_seq = true;
    in.resets_sequence = frame.find(R"("reset":true)") != std::string_view::npos;
    return in;
  }
  if (number_after(frame, R"({"ack":)", in.request_id)) {
    in.kind = inbound_kind::ack;
    in.has_request_id = true;
    return in;
  }
  if (number_after(frame, R"({"nack":)", in.request_id)) {
    in.kind = inbound_kind::nack;
    in.has_request_id = true;
    string_after(frame, R"("topic":")", in.topic);
    string_after(frame, R"("reason":")", in.reason);
    in.error = errc::unknown_symbol;
    return in;
  }
  if (string_after(frame, R"({"notice":")", in.reason)) {
    in.kind = inbound_kind::notice;
    in.error = errc::service_restart;
    return in;
  }
  in.kind = inbound_kind::invalid;
  in.error = errc::malformed_frame;
  in.reason = "not a test frame";
  return in;
}

std::string test_data_frame(std::string_view stream, std::uint64_t seq, std::string_view payload) {
  std::string out = R"({"stream":")";
  out += stream;
  out += R"(","seq":)";
  out += std::to_string(seq);
  out += R"(,"p":")";
  out += payload;
  out += "\"}";
  return out;
}

bool parse_test_data(std::string_view frame, std::string_view& stream, std::uint64_t& seq) {
  if (!frame.starts_with(R"({"stream":")")) return false;
  return string_after(frame, R"({"stream":")", stream) && number_after(frame, R"("seq":)", seq);
}

bool parse_test_request(std::string_view frame, test_request& out) {
  std::string_view op;
  if (!string_after(frame, R"({"op":")", op)) return false;
  if (op != "subscribe" && op != "unsubscribe") return false;
  out.subscribe = op == "subscribe";
  if (!number_after(frame, R"("id":)", out.id)) return false;
  const auto args = frame.find(R"("args":[)");
  if (args == std::string_view::npos) return false;
  const auto end = frame.find(']', args);
  std::string_view list = frame.substr(args + 8, end - args - 8);
  out.topics.clear();
  while (!list.empty()) {
    const auto open = list.find('"');
    if (open == std::string_view::npos) break;
    const auto close = list.find('"', open + 1);
    if (close == std::string_view::npos) return false;
    out.topics.emplace_back(list.substr(open + 1, close - open - 1));
    list.remove_prefix(close + 1);
  }
  return true;
}

}  // namespace sf::test
