#!/usr/bin/env bash
# Two amur binaries on one bible set, run in turns (so both see the same machine and load):
# prints one line per run: set, binary, wall seconds, user seconds, system seconds, peak KB.
# Usage: benches/compare.sh OLD_AMUR NEW_AMUR [SET] [RUNS]    (default SET 006, RUNS 3)
# E.g. build the old commit in a worktree: git worktree add /tmp/old 1b42116 &&
#      (cd /tmp/old && cargo build --release); benches/compare.sh /tmp/old/target/release/amur target/release/amur
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 set=${3:-006} runs=${4:-3}
bible=../shared/eval/bible
[ -d "$bible/zh" ] || { echo "no $bible: nothing to measure" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$runs"); do
  for name in old new; do
    bin=$old
    [ "$name" = new ] && bin=$new
    /usr/bin/time -f "$set $name %e %U %S %M" -o "$tmp/time" \
      "$bin" align "$bible/zh/$set.txt" "$bible/en/$set.txt" -o "$tmp/$name.tmx" --presegmented -q
    cat "$tmp/time"
  done
done
