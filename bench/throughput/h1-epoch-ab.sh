#!/bin/bash
# One epoch of h1 on Fashion-MNIST (nas train: train + validation, then the test set), now and before, timed.
set -u
# Usage, from the repository root after npm run build: bench/throughput/h1-epoch-ab.sh BEFORE_DIR (a built checkout of the commit to compare with).
BEFORE=${1:?a built checkout to compare with}
NOW=$(pwd)
for which in now before; do
  root=$NOW; [ "$which" = before ] && root=$BEFORE
  dir=$(mktemp -d /tmp/h1-$which-XXXX)
  start=$(date +%s.%N)
  (cd "$dir" && node "$root/dist/src/cli/main.js" train --arch $NOW/bench/throughput/panel/h1.json --dataset fashion-mnist --epochs 1 --db "$dir/r.db" > out.log 2>&1)
  end=$(date +%s.%N)
  echo "$which wall $(echo "$end - $start" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -i "test accuracy\|epoch 1\|model saved" "$dir/out.log" | head -4
done
