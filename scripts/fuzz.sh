#!/usr/bin/env bash
# Fuzzes scoin's parsers with libFuzzer (tests/fuzz/README.md): builds the
# fuzz targets with clang-19, ASan and UBSan in build-fuzz, then runs each
# target for SECONDS over a copy of its corpus. New inputs and crash
# reproducers go to build-fuzz/fuzz-work/<target>/, never into the repository.
# Exits non-zero if any target crashed, naming the reproducer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 60, all targets)
#
# Run as root on Debian 12 to have the packages installed (clang-19 and
# libclang-rt-19-dev, and what scripts/setup.sh installs).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(op opfile keyfile csv config bech32 text checkpoint bundle)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS_PER_TARGET must be a positive number, not '$seconds'" >&2
  exit 64
fi
for t in "${targets[@]}"; do
  if ! [[ " ${all_targets[*]} " == *" $t "* ]]; then
    echo "fuzz.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2
    exit 64
  fi
done

# clang 14, bookworm's default, cannot compile libstdc++ 12's <expected>;
# clang 19 can, and libclang-rt-19-dev holds its libFuzzer and sanitizers.
missing=()
command -v clang++-19 > /dev/null || missing+=(clang-19)
dpkg-query -W -f='${Status}' libclang-rt-19-dev 2> /dev/null | grep -q 'install ok installed' ||
  missing+=(libclang-rt-19-dev)
if [ "$(id -u)" -eq 0 ]; then
  ./scripts/setup.sh
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
elif [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz.sh: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

build=build-fuzz
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-19 \
  -DSCOIN_FUZZ=ON -DSCOIN_TESTS=OFF > /dev/null
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
work=$PWD/$build/fuzz-work
failed=0
for t in "${targets[@]}"; do
  dir=$work/$t
  mkdir -p "$dir/corpus" "$dir/artifacts"
  # The corpus grows across runs: the repository's inputs are copied over
  # what earlier runs found.
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/"
  log=$dir/fuzz.log
  printf 'fuzz %-10s %ss ... ' "$t" "$seconds"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/" "$dir/corpus" > "$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "ok: $runs runs, $cov, corpus $(ls "$dir/corpus" | wc -l) inputs"
  else
    failed=1
    echo "FAILED"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz property broken|fuzz: _Exit|scoin: internal error)' "$log" || true
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | head -1)
    echo "  log:        $log"
    echo "  reproducer: ${reproducer:-none written (see the log)}"
    [ -n "$reproducer" ] && echo "  replay:     $build/tests/fuzz/fuzz_$t $reproducer"
  fi
done
exit $failed
