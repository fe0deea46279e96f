# Third-party packages, all from Debian (scripts/install-deps installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS system json url)
find_package(OpenSSL REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(zstd REQUIRED)
# Its core library only: /metrics is served by the daemon's own HTTP server.
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian's cnats CMake package is broken; pkg-config works.
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
