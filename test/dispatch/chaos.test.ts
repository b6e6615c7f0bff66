/**
 * Acceptance, the chaos test: during a search through the queue with 3 workers, SIGKILL a worker mid-trial
 * three times (starting another each time), deliver one job twice, SIGKILL the orchestrator once and resume it,
 * and restart redis-server (without persistence: its data is lost). No trial is lost, none is committed twice,
 * and the final sequence equals the local run's. Then: a trial whose worker dies three times fails with the cause.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { PREFIX, QUEUE_NAME } from '../../src/dispatch/keys.js';
import { runCli, startCli, tmpDir } from '../e2e/cli.js';
import { until } from './helpers.js';
import { epochCounts, outcomes, startWorkerProcess, stopAll, trialsOf, type WorkerProcess } from './processes.js';
import { startRedis } from './redis-server.js';

const SEARCH = [
  'search', '--dataset', 'synthetic', '--space', 'fashion', '--trials', '30', '--concurrency', '3', '--controller-batch', '6',
  '--epochs', '3', '--prune', 'median', '--prune-min-trials', '3', '--json', '--db',
];
const FAKE = { NAS_TEST_EVALUATOR: 'fake:150' };

test('chaos: workers SIGKILLed mid-trial, a job delivered twice, the orchestrator SIGKILLed and resumed, Redis restarted: the local run exactly', async () => {
  const dir = tmpDir();
  const reference = await runCli([...SEARCH, 'local.db'], { cwd: dir, env: FAKE });
  assert.equal(reference.code, 0, reference.stderr);
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  const startWorker = (): WorkerProcess => {
    const worker = startWorkerProcess(redis.url, `w${workers.length}`, { cwd: dir, env: FAKE });
    workers.push(worker);
    return worker;
  };
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix: PREFIX });
  queue.on('error', () => undefined);
  const killedTrials: number[] = [];
  /** SIGKILLs a worker in the middle of a trial not killed before, and starts another in its place. */
  const killWorkerMidTrial = async (): Promise<void> => {
    let victim: WorkerProcess | undefined;
    await until(() => {
      victim = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null && [...w.current].some((seq) => !killedTrials.includes(seq)));
      return victim !== undefined;
    }, 'a worker in the middle of a trial');
    killedTrials.push(...victim!.current);
    victim!.child.kill('SIGKILL');
    startWorker();
  };
  let ends = 0;
  let epochs = 0;
  const orchestrator = () =>
    startCli([...SEARCH, 'queue.db', '--queue', redis.url], {
      cwd: dir,
      onLine: (line) => {
        const type = (JSON.parse(line) as { type: string }).type;
        if (type === 'trial-end') ends += 1;
        if (type === 'epoch') epochs += 1;
      },
    });
  try {
    for (let i = 0; i < 3; i++) startWorker();
    await Promise.all(workers.map((w) => w.ready));

    const first = orchestrator();
    await until(() => ends >= 2, 'two trials');
    await killWorkerMidTrial();
    // Deliver one job twice: a copy of a running job, as BullMQ would after taking a live worker for dead.
    let active: Awaited<ReturnType<typeof queue.getActive>> = [];
    await until(async () => (active = await queue.getActive()).length > 0, 'a running job');
    const copy = `${active[0]!.id}-again`;
    await queue.add('trial', active[0]!.data, { jobId: copy });
    await until(async () => (await queue.getJobState(copy)) === 'completed', 'the copy to be run');
    await until(() => ends >= 8, 'eight trials');
    await killWorkerMidTrial();
    // Killed while trials are out on the workers: the resumed search must find their jobs again.
    await until(() => ends >= 10 && workers.some((w) => w.current.size > 0), 'ten trials, and more on the workers');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const kept = outcomes(trialsOf(dir, 'queue.db').filter((t) => !['queued', 'running'].includes(t.status)));

    ends = 0;
    epochs = 0;
    const second = orchestrator();
    await until(() => epochs >= 2, 'the resumed search to train');
    await redis.restart();
    await until(() => ends >= 3, 'three trials after the restart');
    await killWorkerMidTrial();
    const resumed = await second.done;
    assert.equal(resumed.code, 0, resumed.stderr);

    const final = trialsOf(dir, 'queue.db');
    assert.deepEqual(outcomes(final), outcomes(trialsOf(dir, 'local.db')), 'the local run exactly: nothing lost');
    for (const line of kept) assert.ok(outcomes(final).includes(line), `committed before the kill and never again: ${line}`);
    assert.deepEqual(epochCounts(dir, 'queue.db'), epochCounts(dir, 'local.db'), 'each epoch recorded once');
    assert.equal(killedTrials.length >= 3, true, `three trials killed: ${killedTrials.join(', ')}`);
    assert.ok(final.filter((t) => killedTrials.includes(t.seq)).every((t) => t.status !== 'failed'), 'the killed trials ran again elsewhere');
    assert.match(resumed.stderr, /nas: queue: .*(re-attached|finished while this search was away)/, 'the resumed search found its jobs');
    assert.match(resumed.stderr, /nas: queue: .*gone from Redis .*queued again/, 'the jobs lost with Redis were queued again');
    assert.ok(workers.some((w) => w.lines.some((line) => /: started$/.test(line) && line.includes('attempt'))));
  } finally {
    await queue.close();
    await stopAll(workers);
    await redis.stop();
  }
});

test('a trial whose worker dies three times fails with the cause, and the search goes on', async () => {
  const dir = tmpDir();
  const redis = await startRedis();
  // Four workers, started together: each death hands the trial to the next; the last one sees the third death.
  const workers = [1, 2, 3, 4].map((i) => startWorkerProcess(redis.url, `doomed${i}`, { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake:5000' }, lockSeconds: 1 }));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const search = startCli(['search', '--dataset', 'synthetic', '--space', 'fashion', '--trials', '1', '--epochs', '2', '--prune', 'none', '--db', 'q.db', '--queue', redis.url], { cwd: dir });
    for (let death = 1; death <= 3; death++) {
      let victim: WorkerProcess | undefined;
      await until(() => (victim = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null && w.current.size > 0)) !== undefined, `the trial to start (run ${death})`);
      victim!.child.kill('SIGKILL');
      await victim!.done;
    }
    const result = await search.done;
    assert.equal(result.code, 0, result.stderr);
    const [trial] = trialsOf(dir, 'q.db');
    assert.equal(trial!.status, 'failed');
    assert.match(trial!.error ?? '', /^worker lost: .*3 times.*stalled/);
    assert.equal(workers.reduce((runs, w) => runs + w.started.length, 0), 3, 'not trained a fourth time');
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});
