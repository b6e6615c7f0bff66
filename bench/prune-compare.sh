#!/usr/bin/env bash
# --prune median vs --prune halving (issue 21): the fashion-proof proxy, REINFORCE, 25 minutes each, one after the other. Run after npm run build; results in runs/prune.db.
set -u
cd "$(dirname "$0")/.."
mkdir -p runs
COMMON=(search --dataset fashion-mnist --space fashion --max-macs 5000000 --epochs 2 --train-limit 8000 --val-limit 6000
        --seed 1 --schedule constant --trials 20000 --time-limit 1500 --strategy reinforce --controller-options '{"repeats": "skip"}' --db runs/prune.db)
for mode in median halving; do
  date -u +"%F %T start $mode"
  node dist/src/cli/main.js "${COMMON[@]}" --prune "$mode" --name "prune-$mode" > "runs/prune-$mode.log" 2>&1
  date -u +"%F %T end $mode rc $?"
done
