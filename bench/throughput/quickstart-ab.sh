#!/bin/bash
# The README's quick-start search, before (BEFORE_DIR's build) and now (this checkout's build), one after the other, timed.
# Usage, from the repository root after npm run build: bench/throughput/quickstart-ab.sh BEFORE_DIR (a built checkout of the commit to compare with).
set -u
source "$(dirname "$0")/ab.sh"
run_one() { node "$1/dist/src/cli/main.js" search --dataset fashion-mnist --trials 20 --epochs 1 --train-limit 5000 --quiet; }
report_one() {
  node "$NOW/dist/src/cli/main.js" best --db "$2/results.db" --top 3 2>&1 | head -6
  sqlite3 "$2/results.db" "select seq, status, round(reward,4), hash from trials order by seq" 2>/dev/null | md5sum
}
time_ab qs
