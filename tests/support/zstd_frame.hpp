// A zstd frame as the files sink writes one (with a content checksum), for
// tests that build recording files by hand.
#pragma once

#include <zstd.h>

#include <string>
#include <string_view>

namespace sf::test {

inline std::string zstd_frame(std::string_view text, bool checksum = true) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(ZSTD_compress2(cctx, out.data(), out.size(), text.data(), text.size()));
  ZSTD_freeCCtx(cctx);
  return out;
}

}  // namespace sf::test
