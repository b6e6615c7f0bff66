import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bestSoFar, paretoFront } from '../../src/dashboard/client/series.js';
import { parseQuery, runQuery } from '../../src/dashboard/client/table-query.js';
import type { TableRow } from '../../src/dashboard/client/types.js';

/** The front by definition, O(n^2): a point is kept when no other costs at most as much and scores more (ties: the first). */
function naiveFront(cost: (number | null)[], acc: (number | null)[]): number[] {
  const valid = (i: number): boolean => cost[i] !== null && cost[i]! > 0 && acc[i] !== null;
  const kept: number[] = [];
  for (let i = 0; i < cost.length; i++) {
    if (!valid(i)) continue;
    const dominated = cost.some((_, j) => {
      if (j === i || !valid(j)) return false;
      const [cj, aj, ci, ai] = [cost[j]!, acc[j]!, cost[i]!, acc[i]!];
      return (cj <= ci && aj >= ai && (cj < ci || aj > ai)) || (cj === ci && aj === ai && j < i);
    });
    if (!dominated) kept.push(i);
  }
  return kept.sort((i, j) => cost[i]! - cost[j]!);
}

test('the Pareto front (sort and sweep) is the front by definition, on any points', () => {
  const value = fc.option(fc.integer({ min: 0, max: 20 }), { nil: null });
  fc.assert(
    fc.property(fc.array(fc.tuple(value, value), { maxLength: 40 }), (points) => {
      const cost = points.map(([c]) => c);
      const acc = points.map(([, a]) => (a === null ? null : a / 20));
      const fast = paretoFront(cost, acc);
      const slow = naiveFront(cost, acc);
      assert.deepEqual(fast.map((i) => [cost[i], acc[i]]), slow.map((i) => [cost[i], acc[i]]));
    }),
  );
});

test('the Pareto front of 100,000 points climbs in both cost and accuracy (its speed: BENCHMARKS.md)', () => {
  const n = 100_000;
  const cost = Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % n));
  const acc = Array.from({ length: n }, (_, i) => ((i * 104729) % 1000) / 1000);
  const front = paretoFront(cost, acc);
  assert.ok(front.length > 1);
  for (let k = 1; k < front.length; k++) assert.ok(acc[front[k]!]! > acc[front[k - 1]!]! && cost[front[k]!]! > cost[front[k - 1]!]!);
});

test('best so far skips what does not count and what is missing', () => {
  assert.deepEqual(bestSoFar([null, 0.5, 0.4, 0.9, 0.7]), [null, 0.5, 0.5, 0.9, 0.9]);
  assert.deepEqual(bestSoFar([0.5, 0.9, 0.6], (i) => i !== 1), [0.5, 0.5, 0.6]);
});

const row = (seq: number, status: TableRow['status'], reward: number | null, arch = `C${seq}k3-T`): TableRow => ({
  id: 100 + seq, seq, status, reward, valAcc: reward, params: seq * 10, macs: seq * 100, epochs: 3, seconds: 1, hash: `h${seq}abc`, arch, duplicateOf: null,
});
const ROWS = [row(1, 'completed', 0.5), row(2, 'failed', 0), row(3, 'completed', 0.9, 'C64k3-Pmax2-T'), row(4, 'pruned', 0.3), row(5, 'duplicate', 0.9), row(6, 'running', null)];

test('the trial table query: sort with missing values last, filter, search hash or ARCH or #seq, top K, pages', () => {
  const q = (params: string) => parseQuery(new URLSearchParams(params));
  assert.deepEqual(runQuery(ROWS, q('sort=reward&dir=desc')).rows.map((r) => r.seq), [3, 5, 1, 4, 2, 6]);
  assert.deepEqual(runQuery(ROWS, q('sort=reward&dir=asc')).rows.map((r) => r.seq), [2, 4, 1, 3, 5, 6]);
  assert.deepEqual(runQuery(ROWS, q('status=completed')).rows.map((r) => r.seq), [1, 3]);
  assert.deepEqual(runQuery(ROWS, q('q=c64k3')).rows.map((r) => r.seq), [3]);
  assert.deepEqual(runQuery(ROWS, q('q=h4ab')).rows.map((r) => r.seq), [4]);
  assert.deepEqual(runQuery(ROWS, q('q=%234')).rows.map((r) => r.seq), [4]);
  // top K: the K best trained trials (no duplicate, no failure), then in the chosen order.
  assert.deepEqual(runQuery(ROWS, q('top=2')).rows.map((r) => r.seq), [1, 3]);
  const page = runQuery(ROWS, q('limit=2&offset=2'));
  assert.deepEqual([page.total, page.offset, page.rows.map((r) => r.seq)], [6, 2, [3, 4]]);
});

test('a table query from the URL takes defaults for anything unknown or out of range', () => {
  const query = parseQuery(new URLSearchParams('sort=drop table&dir=sideways&status=<b>&top=-3&limit=999999&offset=x&q=' + 'a'.repeat(500)));
  assert.deepEqual({ ...query, q: query.q.length }, { sort: 'seq', dir: 'asc', status: 'all', q: 200, top: 0, offset: 0, limit: 1000 });
});
