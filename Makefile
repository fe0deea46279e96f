# steadyfeed — entry points. Every target installs missing dependencies first.
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
FUZZ := build/fuzz
# Seconds each fuzz target runs in `make fuzz`.
FUZZ_SECONDS ?= 60

.PHONY: all deps build test test-release test-asan check-tsan fuzz bench chaos soak scale run demo format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Unit, integration and functional tests on the optimised build, then again
# under AddressSanitizer and UndefinedBehaviorSanitizer (all but the examples,
# which build against the installed optimised library, and the simulator's
# own loopback tests: the simulator runs under ASan in every integration and
# functional test).
test: test-release test-asan

# Most tests wait on sockets and timers, not on the CPU: ctest runs three
# times as many as there are cores, twice as many under ASan (which makes
# every process several times busier). The long ones start first, and the
# daemon-and-simulator ones take two slots (tests/CMakeLists.txt).
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 3 )))
ASAN_TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))

test-release: build
	ctest --preset release -j $(TEST_JOBS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --preset asan -j $(ASAN_TEST_JOBS)

# Every test under ThreadSanitizer: unit, integration and functional, the
# daemon and the simulator they start built with TSan too. A data race fails
# the test that ran into it. Not part of `make test`.
check-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

# Every parser of untrusted bytes under libFuzzer (clang, ASan+UBSan), each
# for FUZZ_SECONDS after replaying the inputs that once crashed it.
fuzz:
	@scripts/install-deps fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers $(FUZZ) $(FUZZ_SECONDS)

bench: build
	@cmake --build --preset release --target benchmarks -j $(JOBS)
	@scripts/run-benchmarks $(RELEASE)

# Every fault × venue × redundancy through the real binaries, judged against
# the simulator's truth; writes docs/chaos.md. Network faults need root.
chaos: build
	@cmake --build --preset release --target steadyfeed_chaos_runner -j $(JOBS)
	$(RELEASE)/tests/steadyfeed-chaos --out docs/chaos.md

# Connections rotating every second for SOAK_MINUTES while memory,
# descriptors, threads, timers and journals are sampled; writes docs/soak.md.
SOAK_MINUTES ?= 10
soak: build
	@cmake --build --preset release --target steadyfeed_soak_runner -j $(JOBS)
	$(RELEASE)/tests/steadyfeed-soak --minutes $(SOAK_MINUTES) --out docs/soak.md

# NATS across machines, at length: a 20 s NATS outage mid-run, kill -9 of a
# collector while its spool holds records, a 3-node cluster losing a server;
# each judged by `steadyfeed verify --nats` against the simulator's truth.
scale: build
	@cmake --build --preset release --target steadyfeed_scale_runner -j $(JOBS)
	$(RELEASE)/tests/steadyfeed-scale

run: build
	$(RELEASE)/apps/steadyfeed/steadyfeed run -c config/default.yaml

demo: build
	$(RELEASE)/apps/steadyfeed/steadyfeed demo

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
