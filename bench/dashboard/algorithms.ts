/** The dashboard's per-request algorithms on n trials, against the O(n^2) Pareto front that peers compute. */
import seedrandom from 'seedrandom';
import { paretoFront } from '../../src/dashboard/client/series.js';
import { parseQuery, runQuery } from '../../src/dashboard/client/table-query.js';
import type { TableRow } from '../../src/dashboard/client/types.js';

export interface AlgorithmTimes {
  trials: number;
  paretoMs: number;
  naiveParetoMs: number;
  tableSortMs: number;
  tableSearchMs: number;
}

function time(work: () => unknown, rounds: number): number {
  work();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) work();
  return (performance.now() - started) / rounds;
}

/** The front by counting each point's dominators over every pair (as a non-dominated sort does): O(n^2). */
function naiveFront(cost: number[], acc: number[]): number[] {
  const kept: number[] = [];
  for (let i = 0; i < cost.length; i++) {
    let dominators = 0;
    for (let j = 0; j < cost.length; j++) if (j !== i && cost[j]! <= cost[i]! && acc[j]! >= acc[i]! && (cost[j]! < cost[i]! || acc[j]! > acc[i]!)) dominators++;
    if (dominators === 0) kept.push(i);
  }
  return kept;
}

export function timeAlgorithms(n: number): AlgorithmTimes {
  const random = seedrandom('algorithms');
  const cost = Array.from({ length: n }, () => Math.round(10 ** (3 + 4 * random())));
  const acc = cost.map((c) => Math.min(0.95, 0.3 + 0.08 * Math.log10(c) + 0.2 * random()));
  const rows: TableRow[] = cost.map((c, i) => ({
    id: i + 1, seq: i + 1, status: random() < 0.8 ? 'completed' : 'pruned', reward: acc[i]!, valAcc: acc[i]!, params: c, macs: c * 30,
    epochs: 5, seconds: 10 * random(), hash: Math.floor(random() * 2 ** 52).toString(16), arch: `C${c % 64}k3-Pmax2-C${c % 128}k3-T`, duplicateOf: null,
  }));
  const sorted = parseQuery(new URLSearchParams('sort=reward&dir=desc'));
  const searched = parseQuery(new URLSearchParams('q=c32k3&top=100'));
  return {
    trials: n,
    paretoMs: time(() => paretoFront(cost, acc), 20),
    naiveParetoMs: time(() => naiveFront(cost, acc), 1),
    tableSortMs: time(() => runQuery(rows, sorted), 20),
    tableSearchMs: time(() => runQuery(rows, searched), 20),
  };
}
