/**
 * Acceptance, end to end: an orchestrator and 3 `nas worker` processes on a loopback Redis give the same
 * sequence of hashes, statuses and rewards as a local search with the same seed (the fake evaluator trains on
 * both sides: $NAS_TEST_EVALUATOR, deterministic). `nas workers` lists the three while they work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, startCli, tmpDir } from '../e2e/cli.js';
import { epochCounts, outcomes, startWorkerProcess, stopAll, trialsOf } from './processes.js';
import { startRedis } from './redis-server.js';

export const SEARCH = [
  'search', '--dataset', 'synthetic', '--space', 'fashion', '--trials', '30', '--concurrency', '3', '--controller-batch', '6',
  '--epochs', '3', '--prune', 'median', '--prune-min-trials', '3', '--json',
];
export const FAKE = { NAS_TEST_EVALUATOR: 'fake:30' };

test('3 workers through the queue give the same hashes and rewards as a local search; nas workers lists them', async () => {
  const dir = tmpDir();
  const reference = await runCli([...SEARCH, '--db', 'local.db'], { cwd: dir, env: FAKE });
  assert.equal(reference.code, 0, reference.stderr);
  const redis = await startRedis();
  const workers = [0, 1, 2].map((i) => startWorkerProcess(redis.url, `w${i}`, { cwd: dir, env: FAKE }));
  try {
    await Promise.all(workers.map((w) => w.ready));
    let listed: Promise<{ stdout: string; code: number | null }> | undefined;
    const search = startCli([...SEARCH, '--db', 'queue.db', '--queue', redis.url], {
      cwd: dir,
      onLine: (line) => {
        if (!listed && JSON.parse(line).type === 'epoch') listed = runCli(['workers', '--queue', redis.url, '--json'], { cwd: dir });
      },
    });
    const result = await search.done;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(outcomes(trialsOf(dir, 'queue.db')), outcomes(trialsOf(dir, 'local.db')));
    assert.deepEqual(epochCounts(dir, 'queue.db'), epochCounts(dir, 'local.db'), 'the same epochs recorded');
    const trained = trialsOf(dir, 'queue.db').filter((t) => t.status !== 'duplicate');
    assert.ok(trained.length >= 10, `${trained.length} trials trained`);
    assert.ok(trained.every((t) => /^w[012]\/fake$/.test(t.worker ?? '')), trained.map((t) => t.worker).join(', '));
    assert.ok(new Set(trained.map((t) => t.worker)).size >= 2, 'the trials were shared out');
    const listing = await listed!;
    assert.equal(listing.code, 0);
    const records = JSON.parse(listing.stdout) as { name: string; backend: string; trials: unknown[] }[];
    assert.deepEqual(records.map((r) => r.name), ['w0', 'w1', 'w2']);
    assert.ok(records.every((r) => r.backend === 'fake (NAS_TEST_EVALUATOR)'));
    const table = await runCli(['workers', '--queue', redis.url], { cwd: dir });
    assert.match(table.stdout, /^worker +process +backend +gpus +state +trials +heartbeat +up/);
    assert.equal(table.stdout.trim().split('\n').length, 4);
  } finally {
    const stopped = await stopAll(workers);
    await redis.stop();
    for (const exit of stopped) assert.equal(exit.code, 143, exit.stderr);
  }
});

test('a search with --queue refuses, before writing anything, a queue it cannot reach or a combination it cannot send', async () => {
  const dir = tmpDir();
  const unreachable = await runCli([...SEARCH, '--db', 'x.db', '--queue', 'redis://:hunter2@127.0.0.1:1'], { cwd: dir });
  assert.equal(unreachable.code, 2, unreachable.stderr);
  assert.match(unreachable.stderr, /^nas: error: cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/m);
  assert.doesNotMatch(unreachable.stderr, /hunter2/);
  const badUrl = await runCli([...SEARCH, '--db', 'x.db', '--queue', 'http://lab1'], { cwd: dir });
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /--queue must use redis:\/\/ or rediss:\/\//);
  const sharedArgs = ['search', '--dataset', 'fashion-mnist', '--space', 'fashion-oneshot', '--evaluator', 'shared', '--db', 'x.db'];
  const shared = await runCli([...sharedArgs, '--queue', 'redis://127.0.0.1:1'], { cwd: dir });
  assert.equal(shared.code, 2);
  assert.match(shared.stderr, /--queue sends trials that train from scratch/);
  const worker = await runCli(['worker', '--queue', 'redis://127.0.0.1:1'], { cwd: dir });
  assert.equal(worker.code, 2);
  assert.match(worker.stderr, /^nas: error: cannot reach the queue/m);
  assert.deepEqual((await import('node:fs')).readdirSync(dir), [], 'nothing written');
});
