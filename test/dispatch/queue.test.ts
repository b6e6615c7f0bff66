/**
 * The queue evaluator and the worker engine in one process, on a real redis-server of their own: the round
 * trip, pruning, a job slow to be queued, a duplicate delivery, re-attaching after an orchestrator restart, a
 * result that arrived while no orchestrator was there, Redis restarted without and with its data, a refused job,
 * Ctrl-C on a worker, passwords and `nas workers`' records. The fake evaluator trains (deterministic, milliseconds).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { checkReachable, connect, QueueError } from '../../src/dispatch/connection.js';
import { jobIdOf, PREFIX, QUEUE_NAME } from '../../src/dispatch/keys.js';
import { listWorkers } from '../../src/dispatch/registry.js';
import { createFakeEvaluator } from '../../src/evaluation/fake.js';
import { ARCH, dispatcher, fakeWorker, recordingHooks, trialRequest, until } from './helpers.js';
import { startRedis, type RedisServer } from './redis-server.js';

const PROBLEM = { input: [16, 16, 1] as [number, number, number], classes: 4 };
let redis: RedisServer;

before(async () => {
  redis = await startRedis({ password: 'pw:secret' });
});
after(async () => {
  await redis?.stop();
});

test('a trial goes through the queue and back: the same outcome and epochs as in-process, pruning honoured', async () => {
  const orchestrator = dispatcher(redis.url, 'round-trip');
  const worker = fakeWorker(redis.url, 'w1', { epochMs: 20 });
  try {
    const remote = recordingHooks(2);
    const outcome = await orchestrator.evaluate(trialRequest(1, { epochs: 4 }), remote);
    const local = recordingHooks(2);
    const expected = await createFakeEvaluator(PROBLEM, 0).evaluate(trialRequest(1, { epochs: 4 }), local);
    assert.deepEqual({ ...outcome, worker: null }, { ...expected, worker: null });
    assert.equal(outcome.status, 'pruned');
    assert.equal(outcome.worker, 'w1/fake');
    assert.deepEqual(remote.epochs.map((e) => e.valAcc), local.epochs.map((e) => e.valAcc));
    assert.deepEqual(orchestrator.notices, []);
  } finally {
    await worker.handBack();
    await orchestrator.close();
  }
});

test('a poll while a trial\'s job is still being queued does not take the job for lost', async () => {
  const admin = connect(redis.url, 'test-admin');
  const orchestrator = dispatcher(redis.url, 'slow-to-queue');
  const worker = fakeWorker(redis.url, 'w1');
  try {
    assert.equal((await orchestrator.evaluate(trialRequest(1, { epochs: 2 }), recordingHooks())).status, 'completed');
    // Writes wait 600 ms, reads do not: the next job is queued that late, while polls every 100 ms look it up.
    await admin.call('CLIENT', 'PAUSE', '600', 'WRITE');
    const outcome = await orchestrator.evaluate(trialRequest(2, { epochs: 2 }), recordingHooks());
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(orchestrator.notices, []);
    assert.deepEqual(worker.evaluations.map((request) => request.trialId), [1, 2]);
  } finally {
    admin.disconnect();
    await worker.handBack();
    await orchestrator.close();
  }
});

test('a job delivered twice is trained twice at most and committed once; the second result is logged and ignored', async () => {
  const orchestrator = dispatcher(redis.url, 'duplicate');
  const worker = fakeWorker(redis.url, 'w1', { epochMs: 60, concurrency: 2 });
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port, password: 'pw:secret' }, prefix: PREFIX });
  try {
    const hooks = recordingHooks();
    const pending = orchestrator.evaluate(trialRequest(1, { epochs: 2 }), hooks);
    const id = jobIdOf(orchestrator['exp'], 1, 1);
    await until(async () => (await queue.getJobState(id)) === 'active', 'the job to start');
    const original = await queue.getJob(id);
    await queue.add('trial', original!.data, { jobId: `${id}-again` });
    const outcome = await pending;
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1, 2], 'each epoch recorded once');
    await until(async () => (await queue.getJobState(`${id}-again`)) === 'completed', 'the duplicate to finish');
    const duplicate = await queue.getJob(`${id}-again`);
    // The copy stopped when it found the trial settled, or it finished and the later of the two results was ignored.
    const ignored = (): boolean => orchestrator.notices.some((n) => /a second result for job .* ignored/.test(n));
    if (!('skipped' in duplicate!.returnvalue)) await until(ignored, 'the second result to be ignored');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1, 2], 'still each epoch once');
  } finally {
    await queue.close();
    await worker.handBack();
    await orchestrator.close();
  }
});

test('an orchestrator restarted mid-trial re-attaches to its job: the trial is not trained again, its epochs replayed in order', async () => {
  const first = dispatcher(redis.url, 'reattach');
  const worker = fakeWorker(redis.url, 'w1', { epochMs: 150 });
  const second = dispatcher(redis.url, 'reattach');
  try {
    const hooks = recordingHooks();
    void first.evaluate(trialRequest(7, { epochs: 4 }), hooks);
    await until(() => hooks.epochs.length >= 1, 'a first epoch');
    await first.close(); // as if killed: nothing handed back, nothing cancelled
    const resumed = recordingHooks();
    const outcome = await second.evaluate(trialRequest(7, { epochs: 4, attempt: 2 }), resumed);
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
    assert.equal(worker.evaluations.length, 1, 'trained once');
    assert.ok(second.notices.some((n) => /trial #7: re-attached to job .*-t7-a1/.test(n)), second.notices.join('; '));
  } finally {
    await worker.handBack();
    await second.close();
  }
});

test('a result that arrived while no orchestrator waited is used on resume, not trained again', async () => {
  const first = dispatcher(redis.url, 'away');
  const worker = fakeWorker(redis.url, 'w1', { epochMs: 50 });
  try {
    const stop = new AbortController();
    const aborted = first.evaluate(trialRequest(3, { epochs: 1 }), { signal: stop.signal });
    await until(() => worker.lines.some((line) => line.includes('#3 (attempt 1): started')), 'the worker to start it');
    stop.abort(); // Ctrl-C: the evaluation ends, its job stays
    assert.equal((await aborted).status, 'failed');
    await first.close();
    await until(() => worker.lines.some((line) => line.includes('#3 (attempt 1): completed')), 'the job to finish');
    const second = dispatcher(redis.url, 'away');
    const hooks = recordingHooks();
    const outcome = await second.evaluate(trialRequest(3, { epochs: 1, attempt: 2 }), hooks);
    await second.close();
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1], 'its epochs are recorded from the job');
    assert.equal(worker.evaluations.length, 1);
    assert.ok(second.notices.some((n) => /finished while this search was away/.test(n)), second.notices.join('; '));
  } finally {
    await worker.handBack();
  }
});

test('Redis restarted without its data mid-trial: both sides reconnect, the job is queued again from the request, epochs stay in order', async () => {
  const orchestrator = dispatcher(redis.url, 'restart');
  const worker = fakeWorker(redis.url, 'w1', { epochMs: 300 });
  try {
    const hooks = recordingHooks();
    const pending = orchestrator.evaluate(trialRequest(2, { epochs: 3 }), hooks);
    await until(() => hooks.epochs.length >= 1, 'a first epoch');
    await redis.restart();
    const outcome = await pending;
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.ok(orchestrator.notices.some((n) => /gone from Redis .*queued again/.test(n)), orchestrator.notices.join('; '));
    // Which run's result counts (the first run, still going, or the job queued again) is timing; either is the same outcome.
  } finally {
    await worker.handBack();
    await orchestrator.close();
  }
});

test('a job that fails validation is refused before anything is built, and the trial fails with the reason', async () => {
  const orchestrator = dispatcher(redis.url, 'invalid');
  const worker = fakeWorker(redis.url, 'w1');
  try {
    const tooBig = [{ type: 'C', num_output: 4, kernel_size: 64, padding: 'valid' }, { type: 'T' }];
    const outcome = await orchestrator.evaluate(trialRequest(4, { arch: tooBig }), recordingHooks());
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.status === 'failed' ? outcome.error : '', /invalid job: .*layer 0/);
    assert.equal(worker.evaluations.length, 0);
    assert.ok(worker.lines.some((line) => /refused job .*: invalid job/.test(line)));
  } finally {
    await worker.handBack();
    await orchestrator.close();
  }
});

test('Ctrl-C on a worker hands its trial back to the queue at once; another worker finishes it', async () => {
  const orchestrator = dispatcher(redis.url, 'handback');
  const leaving = fakeWorker(redis.url, 'leaving', { epochMs: 200 });
  let staying: ReturnType<typeof fakeWorker> | undefined;
  try {
    const hooks = recordingHooks();
    const pending = orchestrator.evaluate(trialRequest(5, { epochs: 3 }), hooks);
    await until(() => hooks.epochs.length >= 1, 'a first epoch');
    await leaving.handBack();
    assert.ok(leaving.lines.some((line) => line.includes('handed back to the queue')), leaving.lines.join('\n'));
    staying = fakeWorker(redis.url, 'staying', { epochMs: 20 });
    const outcome = await pending;
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.worker, 'staying/fake');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1, 2, 3]);
  } finally {
    await staying?.handBack();
    await orchestrator.close();
  }
});

test('passwords are checked before anything starts, and never shown; nas workers lists each worker and its trial', async () => {
  const wrong = redis.url.replace('pw%3Asecret', 'nope');
  await assert.rejects(checkReachable(wrong), (error: Error) => error instanceof QueueError && !error.message.includes('nope') && /WRONGPASS|invalid|auth/i.test(error.message));
  await assert.rejects(checkReachable(`redis://127.0.0.1:${redis.port}`), (error: Error) => error instanceof QueueError && /NOAUTH|auth/i.test(error.message));
  await checkReachable(redis.url);
  const orchestrator = dispatcher(redis.url, 'listing');
  const worker = fakeWorker(redis.url, 'lister', { epochMs: 300, gpus: ['0'], backend: 'tensorflow-gpu on GPU 0' });
  try {
    const hooks = recordingHooks();
    const pending = orchestrator.evaluate(trialRequest(9, { epochs: 2 }), hooks);
    await until(() => hooks.epochs.length >= 1, 'a first epoch');
    const [listed] = (await listWorkers(redis.url)).filter((w) => w.name === 'lister');
    assert.ok(listed, 'the worker is listed');
    assert.deepEqual(listed.gpus, ['0']);
    assert.equal(listed.backend, 'tensorflow-gpu on GPU 0');
    assert.deepEqual(listed.trials.map((t) => [t.experiment, t.seq, t.epochs]), [['listing', 9, 2]]);
    assert.ok(Date.now() - listed.heartbeatAt < 10_000);
    await pending;
  } finally {
    await worker.handBack();
    await orchestrator.close();
  }
  assert.deepEqual((await listWorkers(redis.url)).filter((w) => w.name === 'lister'), [], 'a stopped worker leaves the registry');
  assert.equal(ARCH.length, 2);
});

test('Redis restarted with its data (append-only file): the job carries on where it was, nothing is queued again', async () => {
  const kept = await startRedis({ persist: true });
  const orchestrator = dispatcher(kept.url, 'persisted');
  const worker = fakeWorker(kept.url, 'w1', { epochMs: 300, lockMs: 5000 });
  try {
    const hooks = recordingHooks();
    const pending = orchestrator.evaluate(trialRequest(6, { epochs: 3 }), hooks);
    await until(() => hooks.epochs.length >= 1, 'a first epoch');
    await kept.restart();
    const outcome = await pending;
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(hooks.epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.equal(worker.evaluations.length, 1, 'trained once');
    assert.deepEqual(orchestrator.notices.filter((n) => /gone from Redis/.test(n)), []);
  } finally {
    await worker.handBack();
    await orchestrator.close();
    await kept.stop();
  }
});
