#!/bin/bash
# The README's quick-start search, before (BEFORE_DIR's build) and now (this checkout's build), one after the other, timed.
set -u
# Usage, from the repository root after npm run build: bench/throughput/quickstart-ab.sh BEFORE_DIR (a built checkout of the commit to compare with).
BEFORE=${1:?a built checkout to compare with}
NOW=$(pwd)
for which in now before; do
  root=$NOW; [ "$which" = before ] && root=$BEFORE
  dir=$(mktemp -d /tmp/qs-$which-XXXX)
  start=$(date +%s.%N)
  (cd "$dir" && node "$root/dist/src/cli/main.js" search --dataset fashion-mnist --trials 20 --epochs 1 --train-limit 5000 --quiet > out.log 2>&1)
  end=$(date +%s.%N)
  echo "$which $(git -C "$root" rev-parse --short HEAD 2>/dev/null || basename "$root") wall $(echo "$end - $start" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  node "$NOW/dist"/src/cli/main.js best --db "$dir/results.db" --top 3 2>&1 | head -6
  sqlite3 "$dir/results.db" "select seq, status, round(reward,4), hash from trials order by seq" 2>/dev/null | md5sum
done
