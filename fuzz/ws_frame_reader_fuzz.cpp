// The WebSocket client's frame decoder (src/net/ws_frame_reader.hpp) on any
// byte stream a server sends, cut into reads of any size, under each size
// limit a link may set.
//
// Besides memory errors it checks the reader's promises: a message never
// exceeds the limit; every view has `padding` readable bytes after it; after
// an error the reader keeps reporting it, and after a close it asks for more
// forever.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "net/ws_frame_reader.hpp"

namespace {

[[noreturn]] void broken(const char* promise) {
  std::fprintf(stderr, "broken promise: %s\n", promise);
  std::abort();
}

// Reads a view and the padding behind it; AddressSanitizer reports a view
// that is not all readable.
void touch(std::string_view payload) {
  volatile unsigned sum = 0;
  for (const char c : payload) sum += static_cast<unsigned char>(c);
  const char* end = payload.data() + payload.size();
  for (std::size_t i = 0; i < sf::ws_frame_reader::padding; ++i) sum += static_cast<unsigned char>(end[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  // 0 is "no limit"; 16 MiB is the link's default.
  const std::size_t max_message = in.PickValueInArray<std::size_t>({0, 1, 125, 126, 4096, 65536, 16u << 20});
  const std::size_t max_read = in.PickValueInArray<std::size_t>({4096, 8192, 65536});
  sf::ws_frame_reader reader(max_message, max_read);

  bool failed = false;
  bool closed = false;
  while (in.remaining_bytes() > 0) {
    const bool append = in.ConsumeBool();
    const std::size_t chunk = in.ConsumeIntegralInRange<std::size_t>(1, 1500);
    const std::vector<std::uint8_t> bytes = in.ConsumeBytes<std::uint8_t>(chunk);
    if (append) {
      reader.append({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    } else {
      std::size_t done = 0;
      while (done < bytes.size()) {
        const auto space = reader.prepare();
        if (space.empty()) broken("prepare() gives space");
        const std::size_t n = std::min(space.size(), bytes.size() - done);
        std::memcpy(space.data(), bytes.data() + done, n);
        reader.commit(n);
        done += n;
      }
    }
    for (;;) {
      const sf::ws_frame_event e = reader.next();
      using kind = sf::ws_frame_event::kind;
      if (failed && e.what != kind::error) broken("an error is reported again");
      if (closed && e.what != kind::need_more) broken("nothing follows a close");
      if (e.what == kind::need_more) break;
      if (e.what == kind::error) {
        if (failed) break;
        failed = true;
        if (reader.error().detail.empty()) broken("an error says why");
        continue;
      }
      touch(e.payload);
      if (e.what == kind::message && max_message != 0 && e.payload.size() > max_message)
        broken("a message stays within the limit");
      if (e.what == kind::close) closed = true;
    }
  }
  return 0;
}
