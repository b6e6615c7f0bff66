import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, DataError, SpaceError } from '../../src/errors.js';
import { median, type KillPoint } from '../../src/search/index.js';
import { Store } from '../../src/store/index.js';
import { hashes, search, storedTrials, tmpDir } from './helpers.js';

class Crash extends Error {}

/** A kill hook that "dies" (throws) the n-th time the search reaches `point`, as SIGKILL would, in-process. */
function crashAt(point: KillPoint, n: number) {
  let reached = 0;
  return (at: KillPoint): void => {
    if (at === point && ++reached === n) throw new Crash(`crash at ${point}:${n}`);
  };
}

test('the same seed proposes the same architectures whatever the concurrency and timing', async () => {
  const dir = tmpDir();
  const serial = await search(path.join(dir, 'a.db'), {}, { concurrency: 1 });
  const parallel = await search(path.join(dir, 'b.db'), {}, { concurrency: 3 }, { jitterMs: 15 });
  const a = storedTrials(path.join(dir, 'a.db'));
  const b = storedTrials(path.join(dir, 'b.db'));
  assert.equal(a.length, 12);
  assert.deepEqual(hashes(b), hashes(a));
  assert.deepEqual(b.map((t) => t.reward), a.map((t) => t.reward));
  assert.equal(serial.summary.status, 'completed');
  assert.equal(parallel.summary.status, 'completed');
  assert.equal(parallel.summary.controllerUpdates, 3, '12 trials in batches of 4');
  assert.ok(a.every((t) => ['completed', 'duplicate', 'pruned'].includes(t.status)));

  const other = await search(path.join(dir, 'c.db'), { seed: 2 });
  assert.notDeepEqual(hashes(storedTrials(path.join(dir, 'c.db'))), hashes(a));
  assert.equal(other.summary.experiment, 'synthetic-tiny-reinforce-seed2');
});

test('a duplicate architecture is not retrained: it replays the stored reward and counts in the duplicate rate', async () => {
  const dir = tmpDir();
  const space = path.join(dir, 'two.json');
  fs.writeFileSync(
    space,
    JSON.stringify({ kind: 'layers', name: 'two', minLayers: 1, maxLayers: 1, layers: { C: { num_output: [2, 4], kernel_size: [1] } } }),
  );
  const db = path.join(dir, 'r.db');
  const run = await search(db, { space, trials: 8, strategy: 'random' });
  const trials = storedTrials(db);
  const trained = trials.filter((t) => t.status === 'completed');
  const duplicates = trials.filter((t) => t.status === 'duplicate');
  assert.ok(trained.length <= 2 && duplicates.length >= 6, `${trained.length} trained, ${duplicates.length} duplicates`);
  assert.equal(run.evaluator.trained.length, trained.length, 'each distinct ARCH trained once');
  assert.equal(new Set(run.evaluator.trained).size, trained.length);
  for (const dup of duplicates) {
    const original = trials.find((t) => t.seq === dup.duplicateOf)!;
    assert.equal(original.hash, dup.hash);
    assert.ok(original.seq < dup.seq);
    assert.equal(dup.reward, original.reward);
  }
  assert.equal(run.summary.duplicateRate, duplicates.length / 8);
});

test('killed at any point and resumed, the search loses no completed trial and ends as an uninterrupted run', async () => {
  const dir = tmpDir();
  const reference = storedTrials((await search(path.join(dir, 'ref.db'), {}, { concurrency: 1 }), path.join(dir, 'ref.db')));
  const db = path.join(dir, 'crash.db');
  const crashes: [KillPoint, number][] = [['queued', 1], ['epoch', 3], ['result', 1], ['commit', 1], ['start', 2], ['told', 1]];
  const completedSoFar = new Map<number, { reward: number | null; attempts: number }>();
  let requeuedSeen = 0;
  for (const [point, n] of crashes) {
    await assert.rejects(search(db, {}, { concurrency: 1, killHook: crashAt(point, n) }), Crash);
    const after = storedTrials(db);
    for (const [id, before] of completedSoFar) {
      const trial = after.find((t) => t.id === id)!;
      assert.ok(['completed', 'duplicate'].includes(trial.status), `trial ${id} lost after crash at ${point}`);
      assert.deepEqual({ reward: trial.reward, attempts: trial.attempts }, before);
    }
    for (const t of after) {
      if (t.status === 'completed' || t.status === 'duplicate') completedSoFar.set(t.id, { reward: t.reward, attempts: t.attempts });
    }
    if (point === 'epoch' || point === 'start') assert.ok(after.some((t) => t.status === 'running'), 'a trial was running when it died');
    const resumed = await search(db, {}, { concurrency: 1, killHook: () => {} , signal: AbortSignal.abort() });
    const start = resumed.events.find((e) => e.type === 'start');
    if (start?.type === 'start') requeuedSeen += start.requeued;
    assert.ok(storedTrials(db).every((t) => t.status !== 'running'), 'running trials are re-queued on resume');
  }
  assert.ok(requeuedSeen >= 2);
  const final = await search(db, {}, { concurrency: 2 });
  const trials = storedTrials(db);
  assert.equal(final.summary.status, 'completed');
  assert.deepEqual(hashes(trials), hashes(reference));
  assert.deepEqual(trials.map((t) => t.reward), reference.map((t) => t.reward));
  assert.deepEqual(trials.map((t) => t.seq), reference.map((t) => t.seq), 'no trial duplicated or lost');
  for (const [id, before] of completedSoFar) {
    const trial = trials.find((t) => t.id === id)!;
    assert.deepEqual({ reward: trial.reward, attempts: trial.attempts }, before, 'a completed trial is kept, never retrained');
  }
});

test('Ctrl-C stops cleanly: finished trials committed, running ones re-queued, resume ends as an uninterrupted run', async () => {
  const dir = tmpDir();
  const reference = storedTrials((await search(path.join(dir, 'ref.db')), path.join(dir, 'ref.db')));
  const db = path.join(dir, 'int.db');
  const interrupt = new AbortController();
  const stopped = await search(
    db,
    {},
    {
      signal: interrupt.signal,
      onEvent: (event) => {
        if (event.type === 'epoch' && event.seq >= 5) interrupt.abort();
      },
    },
    { epochMs: 20 },
  );
  assert.equal(stopped.summary.status, 'stopped');
  assert.match(stopped.summary.resumeHint ?? '', /nas search --resume --name synthetic-tiny-reinforce-seed1/);
  const afterStop = storedTrials(db);
  assert.ok(afterStop.every((t) => t.status !== 'running'));
  assert.ok(afterStop.some((t) => t.status === 'queued'));
  assert.ok(afterStop.some((t) => t.status === 'completed'));
  const resumed = await search(db, {}, { resume: true, name: 'synthetic-tiny-reinforce-seed1', options: {} });
  assert.equal(resumed.summary.status, 'completed');
  assert.deepEqual(hashes(storedTrials(db)), hashes(reference));
});

test('the time limit stops launching trials; the experiment stays resumable', async () => {
  const db = path.join(tmpDir(), 't.db');
  const run = await search(db, { epochs: 2 }, { timeLimitSeconds: 0.5, concurrency: 1 }, { epochMs: 100 });
  assert.equal(run.summary.status, 'stopped');
  assert.ok(run.events.some((e) => e.type === 'stopping' && e.reason === 'time-limit'));
  assert.ok(run.summary.finished >= 1 && run.summary.finished < 12, `${run.summary.finished} finished`);
  const etas = run.events.flatMap((e) => ('progress' in e && e.progress.etaSeconds !== null ? [e.progress.etaSeconds] : []));
  // By the 12 trials (0.2 s each) the ETA would start near 2 s; by the limit it is at most 0.5 s plus a trial.
  assert.ok(etas.length > 0 && etas.every((eta) => eta < 1.2), `the ETA is bounded by the time limit: ${etas.join(', ')}`);
  const rest = await search(db);
  assert.equal(rest.summary.status, 'completed');
  assert.equal(rest.summary.finished, 12);
});

test('failed trials get the failure reward and error; K failures in a row stop the search with a clear message', async () => {
  const dir = tmpDir();
  const someFail = await search(path.join(dir, 'some.db'), { failureReward: -1, strategy: 'random' }, {}, {
    fail: (request) => request.candidate.kind === 'arch' && request.candidate.arch.some((layer) => layer.type === 'P'),
  });
  const trials = storedTrials(path.join(dir, 'some.db'));
  const failed = trials.filter((t) => t.status === 'failed');
  assert.ok(failed.length > 0 && failed.length < 12);
  for (const t of failed) {
    assert.equal(t.reward, -1);
    assert.match(t.error ?? '', /crash: the worker was killed by SIGSEGV/);
  }
  assert.equal(someFail.summary.status, 'completed');

  const allFail = await search(path.join(dir, 'all.db'), { maxConsecutiveFailures: 3 }, { concurrency: 1 }, { fail: () => true });
  assert.equal(allFail.summary.status, 'failed');
  assert.match(allFail.summary.message ?? '', /^3 consecutive trials failed; the last one: crash: /);
  assert.ok(storedTrials(path.join(dir, 'all.db')).filter((t) => t.status === 'failed').length >= 3);
});

test('median pruning stops a trial below the median of earlier batches at the same epoch', async () => {
  const db = path.join(tmpDir(), 'p.db');
  await search(db, { prune: 'median', pruneMinTrials: 2, epochs: 3, trials: 16, strategy: 'random' });
  const store = Store.open(db, { create: false });
  try {
    const trials = store.trials.list(store.findExperiment().id);
    const pruned = trials.filter((t) => t.status === 'pruned');
    assert.ok(pruned.length > 0, 'some trial was pruned');
    for (const trial of pruned) {
      assert.ok(trial.batch >= 1 && trial.epochsRun! < 3);
      const last = store.trials.epochs(trial.id).at(-1)!;
      const earlier = trials
        .filter((t) => t.batch < trial.batch && t.status === 'completed')
        .map((t) => store.trials.epochs(t.id).find((e) => e.epoch === last.epoch)!.valAcc);
      assert.ok(last.valAcc < median(earlier));
    }
  } finally {
    store.close();
  }
});

test('the cost objective rewards accuracy x (params / target)^w; --max-params masks oversize ARCHs', async () => {
  const db = path.join(tmpDir(), 'c.db');
  await search(db, { objective: 'cost', paramTarget: 500, costWeight: -0.5, maxParams: 1000, strategy: 'random' });
  const trained = storedTrials(db).filter((t) => t.status === 'completed');
  assert.ok(trained.length > 0);
  for (const t of trained) {
    assert.ok(t.params! <= 1000, `${t.params} params`);
    assert.ok(Math.abs(t.reward! - t.valAcc! * Math.pow(t.params! / 500, -0.5)) < 1e-9);
  }
});

test('--max-macs masks ARCHs over the MAC cap, and a resumed run keeps the cap', async () => {
  const dir = tmpDir();
  const free = path.join(dir, 'free.db');
  await search(free, { strategy: 'random', trials: 16 });
  const macs = storedTrials(free).map((t) => t.macs!).sort((a, b) => a - b);
  const cap = macs[Math.floor(macs.length / 2)];
  assert.ok(macs.at(-1)! > cap, 'the cap binds: some uncapped proposal is over it');
  const db = path.join(dir, 'capped.db');
  await search(db, { strategy: 'random', trials: 16, maxMacs: cap }, { signal: AbortSignal.abort() });
  await search(db, {}, { resume: true, name: 'synthetic-tiny-random-seed1', options: {} });
  const trials = storedTrials(db);
  assert.equal(trials.length, 16);
  for (const t of trials) assert.ok(t.macs! <= cap, `${t.macs} MACs over the cap of ${cap}`);
  const store = Store.open(db, { create: false });
  try {
    assert.equal(store.findExperiment().config.maxMacs, cap);
  } finally {
    store.close();
  }
  await assert.rejects(search(path.join(dir, 'bad.db'), { maxMacs: 0.5 }), (e: Error) => e instanceof ConfigError && /--max-macs must be a positive integer/.test(e.message));
});

test("--train-limit and --val-limit reach every trial's evaluation request", async () => {
  const { evaluator } = await search(path.join(tmpDir(), 'limits.db'), { strategy: 'random', trials: 6, trainLimit: 100, valLimit: 40 });
  assert.equal(evaluator.requests.length, 6);
  for (const request of evaluator.requests) assert.deepEqual([request.budget.trainLimit, request.budget.valLimit], [100, 40]);
});

test('bad options are one-line errors and create no database', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'never.db');
  await assert.rejects(search(db, { trials: 0 }), (e: Error) => e instanceof ConfigError && /--trials must be a positive integer/.test(e.message));
  await assert.rejects(search(db, { dataset: 'imagenet' }), (e: Error) => e instanceof ConfigError || e instanceof DataError);
  const badSpace = path.join(dir, 'bad.json');
  fs.writeFileSync(badSpace, '{"kind": "layers", "name": "bad"');
  await assert.rejects(search(db, { space: badSpace }), SpaceError);
  await assert.rejects(search(db, { epochs: 1.5 }), ConfigError);
  await assert.rejects(search(db, {}, { concurrency: 0 }), ConfigError);
  assert.equal(fs.existsSync(db), false);
});

test('re-running a command continues its experiment; other settings under the same name are refused', async () => {
  const db = path.join(tmpDir(), 'n.db');
  await search(db, { trials: 4 });
  const more = await search(db, { trials: 8 });
  assert.equal(more.summary.finished, 8);
  assert.equal(storedTrials(db).length, 8);
  await assert.rejects(search(db, { trials: 8, epochs: 3 }), /settings epochs: 2 -> 3 differ/);
  await assert.rejects(search(db, {}, { resume: true, name: 'nope' }), /no experiment named 'nope'/);
});
