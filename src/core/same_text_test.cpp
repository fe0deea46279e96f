#include "core/same_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sf {
namespace {

TEST(SameText, AgreesWithStringEqualityAtEveryLengthAndPlace) {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (std::size_t i = 0; i < n; ++i) a += static_cast<char>('A' + (i * 7) % 26);
    const std::string b = a;
    ASSERT_TRUE(same_text(a, b)) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      ASSERT_FALSE(same_text(a, c)) << n << " differing at " << i;
    }
    ASSERT_FALSE(same_text(a, a + "x")) << n;
    ASSERT_FALSE(same_text(a + "x", a)) << n;
  }
  // Views into the middle of a larger text read nothing outside themselves.
  const std::string text = "xxBTCUSDTyyBTCUSDTzz";
  EXPECT_TRUE(same_text(std::string_view(text).substr(2, 7), std::string_view(text).substr(11, 7)));
  EXPECT_FALSE(same_text(std::string_view(text).substr(2, 8), std::string_view(text).substr(11, 8)));
}

}  // namespace
}  // namespace sf
