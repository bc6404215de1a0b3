#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR SECONDS [NAME...]: runs each libFuzzer target for
# SECONDS with its corpus (tests/fuzz_corpus/NAME, seeds committed; new inputs
# go to a scratch copy). Fails on the first crash, leak or timeout.
set -euo pipefail
build=$1
seconds=$2
shift 2
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  mapfile -t names < <(find "$build" -maxdepth 1 -type f -name '*_fuzz' -printf '%f\n' | sort)
fi
root=$(cd "$(dirname "$0")/.." && pwd)
for name in "${names[@]}"; do
  bin="$build/$name"
  [ -x "$bin" ] || { echo "run_fuzzers: $bin not built"; exit 1; }
  work=$(mktemp -d)
  if [ -d "$root/tests/fuzz_corpus/$name" ]; then cp -r "$root/tests/fuzz_corpus/$name/." "$work/"; fi
  echo "run_fuzzers: $name for ${seconds}s"
  (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 . 2>&1 | tail -n 12)
  status=${PIPESTATUS[0]}
  rm -rf "$work"
  [ "$status" -eq 0 ] || { echo "run_fuzzers: $name FAILED"; exit 1; }
done
