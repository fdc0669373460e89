#!/usr/bin/env bash
# Speed and memory of the release binary, end to end, on the bible set (../shared/eval/bible,
# nested prefixes 001…006, presegmented): every set aligned RUNS times (default 3) into a TMX
# in a temporary directory; prints set, sentences, median wall time, median CPU time (user +
# system: less sensitive to a busy machine than wall time), peak memory (largest "Maximum
# resident set size" of /usr/bin/time -v over the runs), sentences (zh + en) per second of the
# median wall time; then the verse-level strict F1 on 001 and the start-up time (median of 5
# runs on the first 3 lines of corpora/report-modern).
#
# Usage: benches/bible.sh [SET...]     (default: 001 002 003 004 005 006; RUNS=3)
# Needs /usr/bin/time (Debian: apt-get install time) and python3. Builds with cargo first.
# The machine's load (uptime) is printed before and after: timings on a busy machine are slow.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(001 002 003 004 005 006)
bible=../shared/eval/bible
[ -d "$bible/zh" ] || { echo "no $bible: nothing to measure" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --quiet
amur=${CARGO_TARGET_DIR:-target}/release/amur
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "load before: $(uptime | sed 's/.*load average/load average/'), $(nproc) cores"
echo "amur $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $runs runs per set"
echo

# One timed run; prints "wall-seconds kilobytes cpu-seconds" (cpu: user + system).
measure() {
  /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || {
    cat "$tmp/stderr" >&2
    exit 1
  }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { kb = $2 }
    /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
    END { printf "%s %s %s\n", s, kb, cpu }' "$tmp/time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '| set | zh / en sentences | median wall time | CPU time (user+sys) | peak memory | sentences/s |\n'
printf '|---|---|---|---|---|---|\n'
for set in "${sets[@]}"; do
  zh=$bible/zh/$set.txt
  en=$bible/en/$set.txt
  nzh=$(wc -l <"$zh")
  nen=$(wc -l <"$en")
  : >"$tmp/runs"
  for _ in $(seq "$runs"); do
    measure "$amur" align "$zh" "$en" -o "$tmp/$set.tmx" --presegmented -q >>"$tmp/runs"
  done
  secs=$(cut -d' ' -f1 "$tmp/runs" | median)
  cpu=$(cut -d' ' -f3 "$tmp/runs" | median)
  kb=$(cut -d' ' -f2 "$tmp/runs" | sort -g | tail -1)
  awk -v set="$set" -v zh="$nzh" -v en="$nen" -v s="$secs" -v cpu="$cpu" -v kb="$kb" 'BEGIN {
    printf "| %s | %d / %d | %.2f s | %.2f s | %.0f MiB | %.0f |\n", set, zh, en, s, cpu, kb / 1024, (zh + en) / s }'
done

echo
# Quality on 001: verse-level gold, so consecutive beads inside one verse are merged first.
mkdir -p "$tmp/gold" "$tmp/test"
cp "$bible/gold/001.align" "$tmp/gold/"
"$amur" align "$bible/zh/001.txt" "$bible/en/001.txt" -o "$tmp/test/001.align" --presegmented -q
score=$(python3 ../shared/tools/alignscore.py --verses "$bible/zh.verse" "$bible/en.verse" \
  "$tmp/gold" "$tmp/test")
python3 - "$score" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("001 verse-level: strict F1 %.3f (P %.3f, R %.3f), lax F1 %.3f"
      % (r["f1_strict"], r["precision_strict"], r["recall_strict"], r["f1_lax"]))
PY

# Start-up: a three-sentence pair, so the time is mostly loading dictionaries.
head -3 corpora/report-modern/zh.txt >"$tmp/tiny.zh"
head -3 corpora/report-modern/en.txt >"$tmp/tiny.en"
: >"$tmp/runs"
for _ in 1 2 3 4 5; do
  measure "$amur" align "$tmp/tiny.zh" "$tmp/tiny.en" -o "$tmp/tiny.tmx" -q >>"$tmp/runs"
done
echo "start-up (3-line pair): median $(cut -d' ' -f1 "$tmp/runs" | median) s, peak $(cut -d' ' -f2 "$tmp/runs" | sort -g | tail -1 | awk '{ printf "%.0f", $1 / 1024 }') MiB"
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
