#!/bin/bash
# One epoch of h1 on Fashion-MNIST (nas train: train + validation, then the test set), now and before, timed.
# Usage, from the repository root after npm run build: bench/throughput/h1-epoch-ab.sh BEFORE_DIR (a built checkout of the commit to compare with).
set -u
source "$(dirname "$0")/ab.sh"
run_one() { node "$1/dist/src/cli/main.js" train --arch "$NOW/bench/throughput/panel/h1.json" --dataset fashion-mnist --epochs 1 --db "$2/r.db"; }
report_one() { grep -i "test accuracy\|epoch 1\|model saved" "$2/out.log" | head -4; }
time_ab h1
