#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 60), one after the other, and prints a
# summary: runs, coverage, corpus size, peak RSS, and whether a crash was found (crashing
# inputs are kept in fuzz/artifacts/TARGET/). Needs cargo-fuzz and a nightly toolchain
# (`cargo install cargo-fuzz`; `rustup toolchain install nightly`).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
logs=$(mktemp -d)
# Release build with debug assertions and overflow checks (cargo-fuzz's default); no sanitizer:
# amur is safe Rust, and ASan would halve the executions per second.
flags=(--sanitizer none)
cargo +nightly fuzz build "${flags[@]}" >"$logs/build.log" 2>&1 || { tail -20 "$logs/build.log"; exit 1; }
status=0
printf '%-14s %8s %10s %8s %8s %8s  %s\n' target seconds runs cov corpus rss_mb result
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  start=$(date +%s)
  cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=4096 \
    -print_final_stats=1 >"$logs/$t.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  last=$(grep -E '^#[0-9]+' "$logs/$t.log" | tail -1)
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$logs/$t.log" | grep -oE '[0-9]+$')
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
  corp=$(echo "$last" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+')
  rss=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$logs/$t.log" | grep -oE '[0-9]+$')
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="CRASH (exit $rc; see $logs/$t.log and artifacts/$t/)"
    status=1
  fi
  printf '%-14s %8s %10s %8s %8s %8s  %s\n' "$t" "$took" "${runs:-?}" "${cov:-?}" "${corp:-?}" "${rss:-?}" "$result"
done
echo "logs: $logs"
exit $status
