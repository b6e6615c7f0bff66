import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Store, type TrialRecord } from '../../src/store/index.js';
import { runCli, startCli, tmpDir, TINY_SPACE } from './cli.js';

/**
 * SIGKILL at named points and at arbitrary moments, through the real CLI, resuming each time. Training is the
 * fake evaluator here ($NAS_TEST_EVALUATOR, 15 ms per epoch), so that many kills fit in seconds; the same
 * resume path with real training is covered in search-replay.test.ts.
 */
const ARGS = [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '20', '--concurrency', '2', '--controller-batch', '4',
  '--epochs', '3', '--prune', 'median', '--prune-min-trials', '2', '--json',
];
const FAKE = { NAS_TEST_EVALUATOR: 'fake:15' };

function trials(db: string): TrialRecord[] {
  const store = Store.open(db, { create: false });
  try {
    return store.trials.list(store.findExperiment().id);
  } finally {
    store.close();
  }
}

test('SIGKILL at 6 named points and 3 random moments, resumed each time: nothing lost or duplicated, same architectures', async () => {
  const dir = tmpDir();
  const reference = await runCli([...ARGS, '--db', 'ref.db'], { cwd: dir, env: FAKE });
  assert.equal(reference.code, 0, reference.stderr);
  const expected = trials(path.join(dir, 'ref.db'));
  assert.equal(expected.length, 20);

  const db = path.join(dir, 'crash.db');
  const kept = new Map<number, { status: string; reward: number | null; attempts: number }>();
  const checkKept = (now: TrialRecord[], when: string): void => {
    for (const [id, before] of kept) {
      const trial = now.find((t) => t.id === id);
      assert.deepEqual(trial && { status: trial.status, reward: trial.reward, attempts: trial.attempts }, before, `trial ${id} ${when}`);
    }
    for (const t of now) if (!['queued', 'running'].includes(t.status)) kept.set(t.id, { status: t.status, reward: t.reward, attempts: t.attempts });
  };
  const kills: Record<string, string>[] = [
    { NAS_TEST_KILL_AT: 'epoch:2' }, // during a trial
    { NAS_TEST_KILL_AT: 'result:2' }, // between a trial's result and the controller update
    { NAS_TEST_KILL_AT: 'commit:1' }, // inside the update transaction
    { NAS_TEST_KILL_AT: 'start:3' }, // a trial just marked running
    { NAS_TEST_KILL_AT: 'queued:1' }, // a batch recorded, nothing run yet
    { NAS_TEST_KILL_AT: 'told:1' }, // an update committed, next batch not yet asked
  ];
  let requeued = 0;
  let sawRunning = 0;
  // Plain kills from outside, at a random moment after the search got going.
  const outsideKills = [{ AFTER_EVENT: 'epoch' }, { AFTER_EVENT: 'trial-end' }, { AFTER_EVENT: 'update' }];
  for (const kill of [...kills, ...outsideKills]) {
    let armed = false;
    const run = startCli([...ARGS, '--db', 'crash.db'], {
      cwd: dir,
      env: { ...FAKE, ...kill },
      onLine: (line, child) => {
        if (armed || !('AFTER_EVENT' in kill) || JSON.parse(line).type !== kill.AFTER_EVENT) return;
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 60);
      },
    });
    const result = await run.done;
    assert.equal(result.signal, 'SIGKILL', `${JSON.stringify(kill)}: ${result.stderr}`);
    const start = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((e) => e.type === 'start');
    requeued += start?.requeued ?? 0;
    const now = trials(db);
    sawRunning += now.filter((t) => t.status === 'running').length;
    checkKept(now, `after the kill ${JSON.stringify(kill)}`);
  }
  assert.ok(sawRunning >= 2, 'some kills hit running trials');
  assert.ok(requeued >= 2, 'resumes re-queued the trials that were running');

  const last = await runCli([...ARGS, '--db', 'crash.db'], { cwd: dir, env: FAKE });
  assert.equal(last.code, 0, last.stderr);
  const final = trials(db);
  checkKept(final, 'at the end');
  assert.deepEqual(final.map((t) => t.seq), expected.map((t) => t.seq), 'no trial lost or duplicated');
  assert.deepEqual(final.map((t) => t.hash), expected.map((t) => t.hash), 'same architectures as the uninterrupted run');
  assert.deepEqual(final.map((t) => [t.status, t.reward]), expected.map((t) => [t.status, t.reward]));
  const end = JSON.parse(last.stdout.trim().split('\n').at(-1)!);
  assert.equal(end.type, 'end');
  assert.equal(end.summary.status, 'completed');
});

test('Ctrl-C (SIGINT) commits, re-queues running trials, prints how to resume, and the same command resumes', async () => {
  const dir = tmpDir();
  const args = ARGS.filter((arg) => arg !== '--json');
  let sent = false;
  const run = startCli([...args, '--db', 'int.db'], {
    cwd: dir,
    env: FAKE,
    onLine: (line, child) => {
      if (!sent && /^trial 6\/20 started/.test(line)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  const stopped = await run.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stdout, /experiment synthetic-tiny-reinforce-seed1: stopped \(interrupted\)/);
  assert.match(stopped.stdout, /to continue: nas search --resume --name synthetic-tiny-reinforce-seed1 --db int\.db/);
  const afterStop = trials(path.join(dir, 'int.db'));
  assert.ok(afterStop.every((t) => t.status !== 'running'));
  assert.ok(afterStop.some((t) => t.status === 'queued'));
  const resumed = await runCli(['search', '--resume', '--name', 'synthetic-tiny-reinforce-seed1', '--db', 'int.db', '--quiet'], { cwd: dir, env: FAKE });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /synthetic-tiny-reinforce-seed1: completed/);
  assert.equal(trials(path.join(dir, 'int.db')).length, 20);
});
