# Compiler warnings and sanitizers applied to every steadyfeed target through
# the steadyfeed_options interface library.
add_library(steadyfeed_options INTERFACE)
target_compile_options(steadyfeed_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports -Warray-bounds and -Wstringop-overflow inside std::string's
# own code wherever a string concatenation is inlined at -O2 (GCC bugs 105329
# and 105651); which files it hits changes with the order headers are read
# in (precompiled headers). Off for GCC 12: the ASan build checks bounds for
# real.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(steadyfeed_options INTERFACE -Wno-array-bounds -Wno-stringop-overflow)
endif()
# Not -Wnull-dereference: GCC 12 reports false positives inside Asio's own
# headers wherever its templates are instantiated.
if(STEADYFEED_WERROR)
  target_compile_options(steadyfeed_options INTERFACE -Werror)
endif()
if(STEADYFEED_SANITIZE STREQUAL "thread")
  # -Wno-tsan: Asio wraps every handler call in a fence (std_fenced_block),
  # which GCC warns TSan does not model. The fence stays in the code; what
  # orders a handler after its post is the scheduler's mutex, which TSan sees.
  # No steadyfeed code uses a fence.
  target_compile_options(steadyfeed_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  target_link_options(steadyfeed_options INTERFACE -fsanitize=thread)
elseif(STEADYFEED_SANITIZE STREQUAL "address" OR STEADYFEED_SANITIZE MATCHES "^(ON|on|1|TRUE|true|YES|yes)$")
  # Every UBSan check but two: `alignment` instruments every load and store
  # through a pointer and `vptr` every member access through a polymorphic
  # type; together they made the whole build about a third slower to
  # compile (measured: 14.1 s → 8.1 s for runtime/feed.cpp), and the only
  # target, x86-64, does unaligned loads in hardware.
  target_compile_options(steadyfeed_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize=alignment,vptr -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(steadyfeed_options INTERFACE -fsanitize=address,undefined)
elseif(STEADYFEED_SANITIZE)
  message(FATAL_ERROR "STEADYFEED_SANITIZE=${STEADYFEED_SANITIZE}: expected OFF, address or thread")
endif()
# The fuzz build instruments every steadyfeed source for libFuzzer's coverage
# feedback; only the fuzz targets themselves link libFuzzer's main.
if(STEADYFEED_FUZZ)
  target_compile_options(steadyfeed_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(steadyfeed_options INTERFACE -fsanitize=address,undefined)
endif()

# simdjson's On-Demand API picks its kernels at compile time: without these
# flags it falls back to the portable (several times slower) implementation.
# haswell (AVX2, BMI, PCLMUL, LZCNT: what simdjson's fast kernel needs) covers
# every x86 server of the last decade.
set(STEADYFEED_MARCH "haswell" CACHE STRING "Value for -march (empty: compiler default)")
if(STEADYFEED_MARCH)
  target_compile_options(steadyfeed_options INTERFACE -march=${STEADYFEED_MARCH})
endif()

# Test code (tests, their helpers, the chaos and soak runners) is built at
# -O1 in optimised builds: it calls the library built at full optimisation,
# and itself compiles in about half the time (the build is what CI waits for).
# In a sanitized build it sees STEADYFEED_SANITIZED_BUILD, to size its work
# (seeds, message rates) to code that runs several times slower.
function(steadyfeed_test_code)
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
    if(STEADYFEED_SANITIZE)
      target_compile_definitions(${target} PRIVATE STEADYFEED_SANITIZED_BUILD)
    endif()
  endforeach()
endfunction()

# steadyfeed_without_ubsan(<source>...): test infrastructure files that are
# nearly all Boost.Beast instantiations (the simulator's WebSocket sessions
# over TCP and TLS, the tests' own WebSocket server and proxy) keep ASan but
# not UBSan in the address-sanitized build. UBSan's checks in them are checks
# of Beast's code, and cost more compile time than any other files' (measured:
# 166 s → 104 s for the simulator's TLS sessions). The library, the daemon and
# every other file keep both.
function(steadyfeed_without_ubsan)
  if(STEADYFEED_SANITIZE STREQUAL "address" OR STEADYFEED_SANITIZE MATCHES "^(ON|on|1|TRUE|true|YES|yes)$")
    set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS -fno-sanitize=undefined)
  endif()
endfunction()
