#!/usr/bin/env bash
# Issue 7: a REINFORCE search and a random search on Fashion-MNIST under the same budget, then a replay of
# each search's best trial. See README.md beside this file for the recipe and BENCHMARKS.md for the results.
#
#   experiments/fashion-proof/run.sh search     both searches at once, one core each (50 min)
#   experiments/fashion-proof/run.sh search S   only strategy S's search (reinforce or random)
#   experiments/fashion-proof/run.sh replay S   replay the best trial of strategy S (reinforce or random)
#   experiments/fashion-proof/run.sh replays    both replays at once, one core each (under 90 min)
#   experiments/fashion-proof/run.sh hashes S   the architecture hashes of strategy S's search, in order
#
# Run from the repository root after `npm ci && npm run build`. Results go to runs/fashion-proof-3.db
# (not committed). DB=path and SEARCH_BUDGET_S=seconds override the database and the search budget (to
# check a prefix of the sequence on another clone without the full hour); REPLAY_BUDGET_S=seconds overrides
# the replays' training time (attempt 3's recorded replays ran with 2280: see BENCHMARKS.md). An interrupted
# search continues where it stopped when `search` is run again (its --time-limit counts that run only: give
# it what is left of the budget).
set -euo pipefail
cd "$(dirname "$0")/../.."
NAS=(node dist/src/cli/main.js)
DB=${DB:-runs/fashion-proof-3.db}
mkdir -p runs

# The budget: no new trial starts after 50 minutes, so each search ends within 52 with its last trial and
# both replays fit in the same 3-hour session (the issue allows 90 minutes for each run).
SEARCH_BUDGET_S=${SEARCH_BUDGET_S:-3000}
# The proxy each trial trains with: 2 epochs on a stratified 8,000-image subset, scored on the whole
# 6,000-image validation split (--val-limit; the 889 images in proportion to the subset were a score with a
# 1-point standard error, as wide as the gaps the search has to rank); the test set is never read. --schedule
# constant: the trials' rate when these searches ran (the default is now cosine).
SEARCH=(search --dataset fashion-mnist --space fashion --max-macs 5000000 --epochs 2 --train-limit 8000
        --val-limit 6000 --seed 1 --schedule constant --trials 20000 --threads 1 --time-limit "$SEARCH_BUDGET_S" --db "$DB")
# REINFORCE learns from an architecture's first reward only: a repeat (served from the cache, no training)
# brings no new measurement, and learning from it again is what made attempt 1's policy collapse.
REINFORCE_OPTIONS='{"repeats": "skip"}'
# The replay recipe: all 60,000 training images, cosine decay, the dataset's augmentation (crop 2, flip),
# label smoothing 0.1, one wasm thread (the two replays share the two cores), and as many of 60 epochs as
# fit in 80 minutes of training (--time-limit: fitted after the first epoch), so that each replay, test
# evaluation included, ends within the issue's 90 minutes whatever the size of its network. The test set
# is scored once, each image with its mirror (--tta).
REPLAY_BUDGET_S=${REPLAY_BUDGET_S:-4800}
REPLAY=(--epochs 60 --time-limit "$REPLAY_BUDGET_S" --augment --tta --label-smoothing 0.1 --threads 1 --db "$DB")

case "${1:-}" in
  search)
    only=${2:-}
    if [[ -z $only || $only == reinforce ]]; then
      "${NAS[@]}" "${SEARCH[@]}" --strategy reinforce --controller-options "$REINFORCE_OPTIONS" --name fashion-proof-reinforce > runs/fashion-proof-reinforce.log 2>&1 &
    fi
    if [[ -z $only || $only == random ]]; then
      "${NAS[@]}" "${SEARCH[@]}" --strategy random --name fashion-proof-random > runs/fashion-proof-random.log 2>&1 &
    fi
    wait
    ;;
  replay)
    strategy=${2:?reinforce or random}
    best=$("${NAS[@]}" best --experiment "fashion-proof-$strategy" --json --db "$DB" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].id))')
    "${NAS[@]}" replay "$best" "${REPLAY[@]}"
    ;;
  replays)
    "$0" replay reinforce > runs/fashion-proof-replay-reinforce.log 2>&1 &
    "$0" replay random > runs/fashion-proof-replay-random.log 2>&1 &
    wait
    ;;
  hashes)
    strategy=${2:?reinforce or random}
    "${NAS[@]}" trials --experiment "fashion-proof-$strategy" --json --db "$DB" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const t of JSON.parse(s))console.log(t.seq,t.hash)})'
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
