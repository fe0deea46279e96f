#include "steadyfeed/venue/symbol_spelling.hpp"

#include <array>

namespace sf {

namespace {

// Quote currencies of the spot markets of the venues in scope.
constexpr std::array<std::string_view, 18> quotes{"USDT", "USDC", "FDUSD", "TUSD", "BUSD", "USD", "DAI",  "EUR", "TRY",
                                                  "BRL",  "GBP",  "JPY",   "AUD",  "BTC",  "ETH", "BNB", "SOL", "USDE"};

bool is_separator(char c) noexcept { return c == '-' || c == '/' || c == '_'; }

}  // namespace

std::optional<std::string> canonical_symbol_text(std::string_view text, std::string_view separator) {
  std::string out;
  bool after_separator = true;  // a leading separator is as bad as a doubled one
  for (const char c : text) {
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
      after_separator = false;
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += c;
      after_separator = false;
    } else if (is_separator(c)) {
      if (after_separator) return std::nullopt;
      out += separator;
      after_separator = true;
    } else {
      return std::nullopt;
    }
  }
  if (out.empty() || after_separator) return std::nullopt;
  return out;
}

std::optional<std::pair<std::string, std::string>> split_base_quote(std::string_view symbol) {
  std::optional<std::pair<std::string, std::string>> found;
  for (const std::string_view q : quotes) {
    if (symbol.size() <= q.size() || !symbol.ends_with(q)) continue;
    std::pair<std::string, std::string> reading{std::string(symbol.substr(0, symbol.size() - q.size())), std::string(q)};
    if (found && *found != reading) return std::nullopt;  // two readings
    found = std::move(reading);
  }
  return found;
}

}  // namespace sf
