#!/usr/bin/env bash
# Issue 21's comparison under one wall budget (45 minutes each, one at a time, same seed), on Fashion-MNIST with the
# standard proxy (2 epochs on 8,000 training images, scored on 6,000 validation images), in the fashion-oneshot space:
#   a: standard REINFORCE   b: shared-weight REINFORCE   c: RSPS (shared weights, random)   d: standard random search
#   median / halving: --prune median and --prune halving on a standard REINFORCE search in the fashion space
#   d-halving: run d (random search in fashion-oneshot, whose default pruner is median) with --prune halving
# Usage: [SCHEDULE=cosine] bench/shared-compare.sh [RUN...] (default: a b c d median halving d-halving). A finished run is
# skipped (runs/TAG-RUN.done); an unfinished one starts again from scratch, since its budget is wall time. After npm run build.
# SCHEDULE is the proxy's learning-rate schedule: constant (the default here, which the recorded runs used; TAG compare21)
# or cosine (nas search's default since 582ac4e; TAG compare21-cosine).
# Report: node dist/bench/shared-compare/report.js runs/TAG-a.db ...
set -u
cd "$(dirname "$0")/.."
mkdir -p runs
BUDGET=${BUDGET:-2700}
SCHEDULE=${SCHEDULE:-constant}
TAG=compare21
[ "$SCHEDULE" = constant ] || TAG="compare21-$SCHEDULE"
PROXY=(--dataset fashion-mnist --epochs 2 --train-limit 8000 --val-limit 6000 --seed 1 --schedule "$SCHEDULE" --trials 20000 --time-limit "$BUDGET")
declare -A ARGS=(
  [a]="--space fashion-oneshot --strategy reinforce"
  [b]="--space fashion-oneshot --strategy reinforce --evaluator shared"
  [c]="--space fashion-oneshot --strategy random --evaluator shared"
  [d]="--space fashion-oneshot --strategy random"
  [median]="--space fashion --max-macs 5000000 --strategy reinforce --prune median"
  [halving]="--space fashion --max-macs 5000000 --strategy reinforce --prune halving"
  [d-halving]="--space fashion-oneshot --strategy random --prune halving"
)
for run in "${@:-a b c d median halving d-halving}"; do
  for one in $run; do
    [ -e "runs/$TAG-$one.done" ] && { echo "$one: done already"; continue; }
    db="runs/$TAG-$one.db"
    rm -f "$db" "$db-wal" "$db-shm"
    date -u +"%F %T start $one"
    # shellcheck disable=SC2086
    node dist/src/cli/main.js search "${PROXY[@]}" ${ARGS[$one]} --name "$TAG-$one" --db "$db" > "runs/$TAG-$one.log" 2>&1
    rc=$?
    date -u +"%F %T end $one rc $rc"
    [ "$rc" -eq 0 ] && date -u +"%F %T" > "runs/$TAG-$one.done"
  done
done
