#!/usr/bin/env bash
# The Python package against the CLI on one bible set, in turns (so both see the same machine
# and load): `amur align ZH EN -o x.tmx --presegmented -q` and the same through Python
# (import amur, align_files, write), each a fresh process. Prints one line per run (set, which,
# wall seconds, user seconds, system seconds, peak KB), then the median wall times and their
# ratio. Usage: benches/python.sh [PYTHON] [SET] [RUNS]   (default python3, 006, 5); PYTHON
# must have the package installed (pip install ./python).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3} set=${2:-006} runs=${3:-5}
bible=../shared/eval/bible
[ -d "$bible/zh" ] || { echo "no $bible: nothing to measure" >&2; exit 1; }
[ -x target/release/amur ] || { echo "build the CLI first: cargo build --release" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zh=$bible/zh/$set.txt en=$bible/en/$set.txt
for _ in $(seq "$runs"); do
  /usr/bin/time -f "$set cli %e %U %S %M" -o "$tmp/time" \
    target/release/amur align "$zh" "$en" -o "$tmp/cli.tmx" --presegmented -q
  cat "$tmp/time" | tee -a "$tmp/all"
  /usr/bin/time -f "$set python %e %U %S %M" -o "$tmp/time" "$python" -c \
    "import sys, amur; amur.align_files(sys.argv[1], sys.argv[2], presegmented=True).write(sys.argv[3])" \
    "$zh" "$en" "$tmp/py.tmx"
  cat "$tmp/time" | tee -a "$tmp/all"
done
sed 's/creationdate="[^"]*"//g' "$tmp/cli.tmx" > "$tmp/cli.cmp"
sed 's/creationdate="[^"]*"//g' "$tmp/py.tmx" > "$tmp/py.cmp"
cmp -s "$tmp/cli.cmp" "$tmp/py.cmp" && echo "the same TMX" || echo "the TMX differ"
"$python" - "$tmp/all" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {w: statistics.median(float(r[2]) for r in rows if r[1] == w) for w in ("cli", "python")}
print(f"median wall: cli {med['cli']:.2f} s, python {med['python']:.2f} s, "
      f"ratio {med['python'] / med['cli']:.3f}")
PY
