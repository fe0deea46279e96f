#include "steadyfeed/sink/nats_subject.hpp"

#include <cstdint>
#include <fmt/format.h>

namespace sf {

namespace {

bool plain(unsigned char c) { return c > ' ' && c <= '~' && c != '.' && c != '*' && c != '>' && c != '%'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// FNV-1a over the line, leaving out the "ts_recv":N field.
std::uint64_t content_hash(std::string_view line) {
  constexpr std::string_view field = "\"ts_recv\":";
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, field.size(), field) == 0) {
      i += field.size();
      while (i < line.size() && (line[i] == '-' || (line[i] >= '0' && line[i] <= '9'))) ++i;
      if (i >= line.size()) break;
    }
    h ^= static_cast<unsigned char>(line[i]);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

void append_subject_token(std::string& out, std::string_view name) {
  if (name.empty() || name == "_") {
    out.append(name.empty() ? "_" : "%5F");
    return;
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain(c)) {
      out.push_back(ch);
    } else {
      constexpr char digits[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
}

std::string subject_token_name(std::string_view token) {
  if (token == "_") return {};
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && hex_value(token[i + 1]) >= 0 && hex_value(token[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(token[i + 1]) * 16 + hex_value(token[i + 2])));
      i += 2;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

std::string nats_subject(std::string_view prefix, std::string_view venue, std::string_view channel,
                         std::string_view symbol) {
  std::string out(prefix);
  out.push_back('.');
  append_subject_token(out, venue);
  out.push_back('.');
  append_subject_token(out, channel);
  out.push_back('.');
  append_subject_token(out, symbol);
  return out;
}

std::string nats_message_id(record_kind kind, std::string_view venue, std::string_view channel,
                            std::string_view symbol, std::string_view id, std::string_view line) {
  std::string out;
  append_message_id(out, kind, venue, channel, symbol, id, line);
  return out;
}

void append_message_id(std::string& out, record_kind kind, std::string_view venue, std::string_view channel,
                       std::string_view symbol, std::string_view id, std::string_view line) {
  append_subject_token(out, venue);
  out.push_back('.');
  append_subject_token(out, channel);
  out.push_back('.');
  append_subject_token(out, symbol);
  out.push_back('.');
  if (kind == record_kind::gap) out.append("gap:");
  if (id.empty())
    fmt::format_to(std::back_inserter(out), "h:{:016x}", content_hash(line));
  else
    append_subject_token(out, id);
}

}  // namespace sf
