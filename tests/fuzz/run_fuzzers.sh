#!/bin/bash
# Runs each libFuzzer target of the fuzz build for a bounded time; fails if any crashes.
# usage: tests/fuzz/run_fuzzers.sh FUZZ_BUILD_DIR SECONDS [target...]   (default: all seven)
# Seeds come from tests/fuzz/corpus/<target>/ (read only); what the fuzzer learns goes to
# FUZZ_BUILD_DIR/corpus/<target>/ and crashes to FUZZ_BUILD_DIR/crashes/.
set -u
build=${1:?usage: run_fuzzers.sh FUZZ_BUILD_DIR SECONDS [target...]}
seconds=${2:?usage: run_fuzzers.sh FUZZ_BUILD_DIR SECONDS [target...]}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(idx npy safetensors manifest session image torchscript_archive)
here=$(cd "$(dirname "$0")" && pwd)

failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz_$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz_$t: not built ($bin missing); build it with: cmake --build build --target fuzzers" >&2
    failed+=("$t")
    continue
  fi
  mkdir -p "$build/corpus/$t" "$build/crashes"
  log="$build/fuzz_$t.log"
  start=$(date +%s)
  # -rss_limit_mb: a parser that allocates from a size it did not check fails here.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1536 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" "$here/corpus/$t" >"$log" 2>&1 &
  pid=$!
  wait $pid
  rc=$?
  rm -f "/dev/shm/fuzz-input-$pid.json"  # fuzz_session's input file; libFuzzer exits without atexit
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  echo "fuzz_$t: exit $rc, ${runs:-?} inputs in $(( $(date +%s) - start )) s"
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    grep -E 'ERROR|SUMMARY|runtime error|invariant|refusal|Test unit written' "$log" | head -20
    echo "  full log: $log"
    echo "  replay:   $bin $build/crashes/$t-<file>"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "FUZZ FAILURES: ${failed[*]} (fix the parser, then add the crash file to tests/fuzz/corpus/<target>/ and a row to the unit test's bad-file table)"
  exit 1
fi
echo "all fuzz targets ran ${seconds}s each without a crash"
