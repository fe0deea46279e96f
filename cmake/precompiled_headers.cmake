# Precompiled headers. Most of the build's time used to go into parsing the same
# third-party headers again in every translation unit: the standard library and
# fmt (about 3 s a file), GoogleTest (2 s more) and Asio/Beast (5 s more). Each
# set below is compiled once per build and shared (REUSE_FROM) by every target
# that asks for it: all take their flags from steadyfeed_options, so the
# precompiled header stays valid for all of them (-Winvalid-pch, an error
# under STEADYFEED_WERROR, says otherwise).
#
# A set is only worth forcing into every file of a target when most of them
# include it: loading a precompiled header costs about 0.3 s per file for the
# core set and 0.8 s with Asio/Beast, so only the test targets made of network
# tests take the net set.
#
# Trade-off: a header that forgets an include of one of these still compiles
# with them. The debug preset builds without (STEADYFEED_PCH=OFF) and so still
# catches it.
option(STEADYFEED_PCH "Precompile the third-party headers most files include" ON)

set(steadyfeed_pch_core
  <algorithm> <array> <atomic> <charconv> <chrono> <cstddef> <cstdint> <cstdio> <cstring> <deque>
  <filesystem> <fstream> <functional> <limits> <map> <memory> <mutex> <optional> <set> <span>
  <sstream> <stdexcept> <string> <string_view> <system_error> <thread> <unordered_map> <utility>
  <vector> <fmt/format.h>)
set(steadyfeed_pch_tests ${steadyfeed_pch_core} <gtest/gtest.h>)
set(steadyfeed_pch_net_tests ${steadyfeed_pch_tests}
  <boost/asio/basic_waitable_timer.hpp> <boost/asio/connect.hpp> <boost/asio/executor_work_guard.hpp>
  <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/asio/post.hpp> <boost/asio/ssl/context.hpp>
  <boost/asio/ssl/stream.hpp> <boost/asio/write.hpp> <boost/beast/core/flat_buffer.hpp>
  <boost/beast/http.hpp> <boost/beast/websocket/ssl.hpp> <boost/beast/websocket/stream.hpp>)

# steadyfeed_precompile(<target> core|tests|net_tests): the first target to
# ask for a set compiles it; the later ones reuse that one.
function(steadyfeed_precompile target set)
  if(NOT STEADYFEED_PCH)
    return()
  endif()
  if(NOT DEFINED steadyfeed_pch_${set})
    message(FATAL_ERROR "steadyfeed_precompile: no header set named '${set}'")
  endif()
  get_property(owner GLOBAL PROPERTY steadyfeed_pch_owner_${set})
  if(owner)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  else()
    target_precompile_headers(${target} PRIVATE ${steadyfeed_pch_${set}})
    set_property(GLOBAL PROPERTY steadyfeed_pch_owner_${set} ${target})
  endif()
endfunction()
