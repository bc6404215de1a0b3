# The two commands of the quick start are `make demo` and `make test`; each
# installs what is missing first. See README.md.
.PHONY: all deps build build-dev build-fuzz demo test unit fuzz bench bench-log bench-sql bench-nexmark bench-deps \
        soak slt-full layering format clean

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 300
SOAK_CYCLES ?= 200
BENCH_SF ?= 1

all: build

deps:
	@tools/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j$(JOBS)

build-dev: deps
	cmake --preset dev >/dev/null
	cmake --build build/dev -j$(JOBS)

build-fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build build/fuzz -j$(JOBS)

# Starts Strata with the demo pipeline; Ctrl-C stops it.
demo: build
	tools/demo.sh build/release/strata

layering:
	/usr/bin/python3 tools/check_layering.py

# The whole suite: layering check, unit tests (ASan+UBSan), real-client and
# crash tests against the ASan binary, and a short run of every fuzzer.
test: build-dev build-fuzz
	ctest --preset dev -j1

unit: build-dev
	ctest --preset dev -L unit

fuzz: build-fuzz
	tools/run_fuzzers.sh build/fuzz $(FUZZ_SECONDS)

# Every benchmark; see bench/README.md.
bench: bench-log bench-sql bench-nexmark

bench-log: build
	/usr/bin/python3 bench/log_bench.py --strata build/release/strata

# SSB at scale factor BENCH_SF on Strata, DuckDB, SQLite and PostgreSQL.
bench-sql: build bench-deps
	/usr/bin/python3 bench/sql_bench.py --strata build/release/strata --sf $(BENCH_SF)

# Nexmark views next to DuckDB over the same events (NEXMARK_EVENTS of them).
NEXMARK_EVENTS ?= 1000000
bench-nexmark: build bench-deps
	/usr/bin/python3 bench/nexmark_bench.py --strata build/release/strata --events $(NEXMARK_EVENTS)

# DuckDB from npm at the version in bench/package-lock.json; reinstalls only when
# the lock file is newer than the installed tree.
bench-deps:
	@command -v npm >/dev/null || { echo "bench-deps: npm (Node 20) is needed for DuckDB"; exit 1; }
	@cd bench && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	  npm ci --no-audit --no-fund; }

# sqllogictest over the whole sample (select1-5, evidence/, index/, random/) on the
# release binary, with per-directory subtotals; about 10 minutes on 2 cores.
# make test runs select1-5 and evidence/ only (tests/CMakeLists.txt).
SLT_DIR ?= ../shared/sqllogictest
slt-full: build
	/usr/bin/python3 tests/sqllogictest/slt.py --engine strata --strata-bin build/release/strata \
	  --by-dir --min-pass 0.99 $(SLT_DIR)

soak: build-dev
	STRATA_CRASH_CYCLES=$(SOAK_CYCLES) ctest --preset dev -R crash_ --timeout 7200

format:
	find src -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
