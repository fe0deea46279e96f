// Replaces the global operator new with one that counts, per thread, so a
// benchmark can report allocations per frame and catch one creeping onto a
// hot path. Include it from exactly one file of a program: it defines the
// replacement operators.
//
// The replaced operator new/delete are a malloc/free pair; GCC 12 sees the
// free inlined into standard-library code and wrongly reports a mismatch.
#pragma once
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <cstdint>
#include <cstdlib>
#include <new>

namespace sf::bench {

// Allocations made by the calling thread so far. Per thread, so a server
// thread in the same process neither disturbs the count nor shares its line.
inline thread_local std::uint64_t allocations = 0;

}  // namespace sf::bench

void* operator new(std::size_t n) {
  ++sf::bench::allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
