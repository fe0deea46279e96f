#include "steadyfeed/book/book_rules.hpp"

#include "book/okx_checksum.hpp"

namespace sf {

std::function<std::int64_t(const order_book&)> checksum_function(book_checksum kind, std::size_t depth) {
  switch (kind) {
    case book_checksum::none: return {};
    case book_checksum::okx_crc32:
      return [depth](const order_book& book) -> std::int64_t { return okx_checksum(book, depth); };
  }
  return {};
}

}  // namespace sf
