import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestDistinct } from '../../src/app/shared-search.js';
import type { TrialRecord } from '../../src/store/index.js';

/** A scored trial of a shared-weight phase: only the fields the ranking reads. */
function scored(seq: number, hash: string, valAcc: number | null, status: TrialRecord['status'] = 'completed'): TrialRecord {
  return { seq, hash, valAcc, status } as TrialRecord;
}

const PHASE = [
  scored(1, 'early-high', 0.9),
  scored(2, 'twice', 0.95),
  scored(3, 'early-low', 0.2),
  scored(4, 'failed', null, 'failed'),
  scored(5, 'late-a', 0.5),
  scored(6, 'twice', 0.3),
  scored(7, 'late-b', 0.6),
  scored(8, 'late-c', 0.6),
];

test('bestDistinct ranks the later half first, each architecture by its latest score, ties by sequence', () => {
  assert.deepEqual(bestDistinct(PHASE, 3).map((t) => [t.hash, t.seq]), [['late-b', 7], ['late-c', 8], ['late-a', 5]]);
});

test('bestDistinct goes on with the architectures scored only in the first half, then stops at what there is', () => {
  assert.deepEqual(bestDistinct(PHASE, 5).map((t) => t.hash), ['late-b', 'late-c', 'late-a', 'twice', 'early-high']);
  assert.deepEqual(bestDistinct(PHASE, Infinity).map((t) => t.hash), ['late-b', 'late-c', 'late-a', 'twice', 'early-high', 'early-low']);
});
