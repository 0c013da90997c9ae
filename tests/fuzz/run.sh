#!/usr/bin/env bash
# Runs every libFuzzer target of a -Dfuzz=true build for SECONDS each, on a
# copy of its seed corpus (the tree stays clean), and prints the executions
# per target. Exits 1 when a target finds a crash or a property violation;
# the input that triggered it is kept and its path printed.
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]
#
# BUILD_DIR defaults to build-fuzz. JOBS (default 2) targets run at once.
# New inputs that grew coverage are left in the temporary corpus copy, whose
# path is printed; copy the interesting ones into tests/fuzz/corpus/NAME/.
set -uo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]}
build=${2:-build-fuzz}
shift $(( $# >= 2 ? 2 : $# ))
here=$(cd "$(dirname "$0")" && pwd)
jobs=${JOBS:-2}

targets=("$@")
if (( ${#targets[@]} == 0 )); then
  for exe in "$build"/tests/fuzz/*_fuzz; do
    [[ -x "$exe" ]] && targets+=("$(basename "$exe" _fuzz)")
  done
fi
if (( ${#targets[@]} == 0 )); then
  echo "no fuzz targets in $build/tests/fuzz (meson setup with -Dfuzz=true?)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/dbanon-fuzz-run.XXXXXX)
echo "fuzzing ${#targets[@]} targets for ${seconds}s each, ${jobs} at a time; work folder $work"

run_one() {
  local name=$1
  local exe="$build/tests/fuzz/${name}_fuzz"
  local corpus="$work/$name/corpus" artifacts="$work/$name/artifacts/"
  mkdir -p "$corpus" "$artifacts"
  cp -r "$here/corpus/$name/." "$corpus/" 2>/dev/null || true
  # -timeout: an input that takes this long is a hang. -rss_limit_mb and
  # -malloc_limit_mb: memory must stay bounded. Leak checks stay on.
  "$exe" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$work/$name/log" 2>&1
  echo $? >"$work/$name/rc"
}

running=0
for name in "${targets[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if (( running >= jobs )); then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-16s %12s %10s %8s  %s\n' target execs exec/s corpus result
for name in "${targets[@]}"; do
  log="$work/$name/log"
  rc=$(cat "$work/$name/rc" 2>/dev/null || echo 99)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(find "$work/$name/corpus" -type f | wc -l)
  artifact=$(find "$work/$name/artifacts" -type f | head -1)
  if [[ "$rc" == 0 && -z "$artifact" ]]; then
    result=ok
  else
    result="FAILED (exit $rc) ${artifact:-}"
    failed=$((failed + 1))
  fi
  printf '%-16s %12s %10s %8s  %s\n' "$name" "${execs:-?}" "${speed:-?}" "$units" "$result"
  if [[ "$result" != ok ]]; then
    # The report names the property or the sanitizer finding; the input is
    # in the artifact file (fuzz inputs are synthetic, never real data).
    grep -E "property violated|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer|SUMMARY" "$log" | head -5 | sed 's/^/    /'
  fi
done
echo "fuzzing: ${#targets[@]} targets, ${failed} failed (logs and corpora in $work)"
(( failed == 0 ))
