import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressRenderer, type ProgressMode } from '../../src/cli/progress/search-progress.js';
import type { BatchReport } from '../../src/evaluation/types.js';
import type { SearchEvent } from '../../src/search/index.js';
import { captured, manualClock, pace } from './helpers.js';

const SEARCH = { done: 0, target: 20, etaSeconds: null };

function renderer(mode: ProgressMode, tty = false, timeLimitSeconds: number | null = null) {
  const out = captured({ tty });
  const clock = manualClock();
  const render = progressRenderer(mode, out, { now: clock.now, intervalMs: 15_000 });
  render({ type: 'start', experiment: 'x', resumed: false, done: 0, target: 20, requeued: 0, dbFile: 'r.db', timeLimitSeconds });
  for (const seq of [1, 2]) {
    render({ type: 'trial-start', seq, trialId: seq, arch: `C${seq}k3-FC16`, hash: 'h', params: 1000, epochs: 2, attempt: 1 });
  }
  return { out, clock, render };
}

function progress(seq: number, report: Partial<BatchReport> = {}): SearchEvent {
  return { type: 'progress', seq, trialId: seq, progress: SEARCH, ...pace(report) };
}

function trialEnd(seq: number, overrides: Partial<Extract<SearchEvent, { type: 'trial-end' }>> = {}): SearchEvent {
  const result = { status: 'completed' as const, reward: 0.8, valAcc: 0.8, params: 1000, seconds: 3, error: null, duplicateOf: null };
  return { type: 'trial-end', seq, trialId: seq, ...result, progress: { done: 1, target: 20, etaSeconds: 60 }, ...overrides };
}

test('on a terminal, the status line shows each running trial\'s batches, images/s and ETA inside its epoch', () => {
  const { out, render } = renderer('tty', true);
  render(progress(1));
  const lines = out.text().split('\r\x1b[K');
  assert.match(lines.at(-1)!, /^\[0\/20 ETA -\] #1 C1k3-FC16 ep 1\/2 batch 30\/100 400 img\/s ETA 13\.6s \| #2 C2k3-FC16 ep 0\/2$/);
  render({ type: 'epoch', seq: 1, trialId: 1, epochs: 2, progress: SEARCH, epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, seconds: 20 });
  assert.match(out.text().split('\r\x1b[K').at(-1)!, /#1 C1k3-FC16 ep 1\/2 acc 50\.0% \|/, 'an epoch\'s end replaces its progress');
});

test('off a terminal, a status line with batches, images/s and ETA comes only after 15 s without output', () => {
  const { out, clock, render } = renderer('plain');
  const before = out.text();
  clock.advance(10_000);
  render(progress(1));
  assert.equal(out.text(), before, 'nothing within 15 s of the last line');
  clock.advance(6_000);
  render(progress(1, { batch: 60 }));
  const line = out.text().slice(before.length);
  assert.equal(line, 'progress [0/20 ETA -] #1 C1k3-FC16 ep 1/2 batch 60/100 400 img/s ETA 13.6s\n');
  clock.advance(1_000);
  render(progress(1, { batch: 70 }));
  assert.equal(out.text().slice(before.length), line, 'and then not again for 15 s');
});

test('with --json, a trial\'s progress events are thinned to one per interval; every other event is written', () => {
  const { out, clock, render } = renderer('json');
  for (let i = 0; i < 40; i++) {
    clock.advance(1_000);
    render(progress(1, { batch: i + 1 }));
  }
  render(trialEnd(1));
  const events = out.text().trim().split('\n').map((line) => JSON.parse(line) as { type: string; batch?: number; imagesPerSecond?: number });
  assert.deepEqual(events.map((e) => e.type), ['start', 'trial-start', 'trial-start', 'progress', 'progress', 'trial-end']);
  const written = events.filter((e) => e.type === 'progress');
  assert.deepEqual(written.map((e) => e.batch), [15, 30]);
  assert.equal(written[0]!.imagesPerSecond, 400);
});

test('a duplicate says whose result it reuses and that nothing was trained (it can settle ahead of earlier trials)', () => {
  const { out, render } = renderer('plain');
  render(trialEnd(20, { status: 'duplicate', duplicateOf: 7, seconds: 0 }));
  assert.match(out.text(), /\ntrial 20\/20 duplicate of #7: reward 0\.8000 reused \(no training\), ETA 1m00s\n$/);
});

test('a long search gets one estimate, from the first settled pace of a trial', () => {
  const { out, render } = renderer('plain');
  render(progress(1, { batch: 1, elapsedSeconds: 1 }));
  assert.doesNotMatch(out.text(), /estimate/, 'not from the warm-up');
  // 12 s + 1h to go: about an hour a trial, 20 trials, 2 at a time.
  render(progress(1, { runEtaSeconds: 3600 }));
  render(progress(2, { runEtaSeconds: 7200 }));
  const estimates = out.text().split('\n').filter((line) => line.startsWith('estimate'));
  assert.deepEqual(estimates, ['estimate: about 10h02m for the 20 trials left at the pace of trial 1 (1h00m each on wasm with 2 threads, 2 at a time): use a GPU backend or --max-macs']);
});

test('under a time limit shorter than the trials left, the estimate says how many trials the limit leaves room for', () => {
  const { out, render } = renderer('plain', false, 3 * 3600);
  render(progress(1, { runEtaSeconds: 3600 }));
  const estimates = out.text().split('\n').filter((line) => line.startsWith('estimate'));
  assert.deepEqual(estimates, ['estimate: the time limit ends the search in about 3h00m, after about 5 of the 20 trials left at the pace of trial 1 (1h00m each on wasm with 2 threads, 2 at a time)']);
});

test('a short search gets no estimate', () => {
  const { out, render } = renderer('plain');
  render(progress(1));
  render(progress(1, { epoch: 2 }));
  assert.doesNotMatch(out.text(), /estimate/);
});

test('on a narrow terminal the status line leaves the ARCHs out before it cuts a trial\'s progress off', () => {
  const { out, render } = renderer('tty', true);
  render(progress(1));
  render(progress(2, { batch: 70 }));
  // Without a terminal of its own the test sees the default width: 100 columns.
  const line = out.text().split('\r\x1b[K').at(-1)!;
  assert.equal(line, '[0/20 ETA -] #1 ep 1/2 30/100 400 img/s ETA 13.6s | #2 ep 1/2 70/100 400 img/s ETA 13.6s');
});
