// A symbol as an operator typed it, turned into the venue's own spelling.
//
// Operators write "btcusdt", "BTC-USDT" or "BTC/USDT" for the same market;
// each venue accepts one spelling, and a wrong one subscribes to nothing,
// silently. Each adapter respells what is unambiguous (case, separators, a
// base and quote it can tell apart) and refuses the rest with the reason and
// the spelling it wants.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sf {

struct symbol_spelling {
  std::string symbol;   // the venue's spelling; empty when refused
  std::string problem;  // why it was refused, and how to spell it

  bool ok() const noexcept { return problem.empty(); }
  static symbol_spelling refused(std::string why) { return {{}, std::move(why)}; }
};

// Upper case, and the separators people use between base and quote ('-',
// '/', '_') as `separator` (none: removed). nullopt when anything else than
// letters, digits and those separators is in it, or a separator leads, ends
// or repeats.
std::optional<std::string> canonical_symbol_text(std::string_view text, std::string_view separator);

// Splits an upper-case symbol without separators into base and quote by the
// quote currencies venues list (USDT, USDC, BTC, ...). nullopt when no quote
// matches, or when two readings are possible (XTUSD: X/TUSD or XT/USD).
std::optional<std::pair<std::string, std::string>> split_base_quote(std::string_view symbol);

}  // namespace sf
