#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) into
# build-fuzz/ and runs each one for SECONDS (default 30). Prints, per target,
# the inputs run and any finding; exits 1 if any target found a crash, leak,
# UB, timeout or out-of-memory, keeping the input under build-fuzz/findings/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Inputs that reach new code are kept in build-fuzz/corpus/<target>/ and
# reused by the next run; the committed seeds are tests/fuzz/corpus/<target>/.
# FUZZ_ARGS adds libFuzzer flags, e.g. FUZZ_ARGS=-max_len=70000 for bugs that
# need inputs longer than the default 4 KiB.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

build=build-fuzz
CXX=clang++ cmake -S . -B "$build" -DP2P_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Fuzz >/dev/null
cmake --build "$build" --target fuzzers -j2 >"$build/build.log" 2>&1 || {
  cat "$build/build.log" >&2
  exit 2
}

# The checksummed formats and the monitor's frames are msgpack inside.
dict_of() {
  case $1 in
    scenario | repl_command | tracker_info) echo "tests/fuzz/$1.dict" ;;
    bitfield) ;;
    *) echo "tests/fuzz/msgpack.dict" ;;
  esac
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$build"/fuzz/fuzz_*; do
    targets+=("${bin##*/fuzz_}")
  done
fi

mkdir -p "$build/findings" "$build/logs"
failed=0
printf '%-14s %12s  %s\n' target executions result
for name in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz.sh: no target '$name'" >&2
    exit 2
  fi
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  log="$build/logs/$name.log"
  # Inputs are a few KiB: one malloc of 16 MiB for one is a decoder trusting
  # a length it was sent (memory amplification), a finding like any crash.
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=16 -timeout=10 -print_final_stats=1
        -artifact_prefix="$build/findings/$name-")
  dict=$(dict_of "$name")
  [ -z "$dict" ] || args+=(-dict="$dict")
  # shellcheck disable=SC2206 # FUZZ_ARGS is a list of flags
  args+=(${FUZZ_ARGS:-})
  # New inputs go to the first directory; the seeds are only read.
  rc=0
  nice -n 5 "$bin" "${args[@]}" "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    printf '%-14s %12s  %s\n' "$name" "${execs:-?}" "no finding"
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    summary=$(grep -m1 -E 'SUMMARY:|ERROR: libFuzzer|fuzz check failed|runtime error' "$log" || true)
    printf '%-14s %12s  %s\n' "$name" "${execs:-?}" "FINDING (exit $rc): ${summary:-see log}"
    echo "               input: ${artifact:-none written}; log: $log"
  fi
done
exit "$failed"
