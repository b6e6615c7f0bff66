import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TrialFollower } from '../../src/dispatch/follower.js';
import { experimentKey, jobIdOf } from '../../src/dispatch/keys.js';
import { jobResultOf, parseUpMessage, PROTOCOL_VERSION, queueGaveUp, type TrialJobData } from '../../src/dispatch/protocol.js';
import { parseQueueUrl, queueUrl, redactedUrl } from '../../src/dispatch/url.js';
import { InvalidJobError, validateJob } from '../../src/dispatch/validate.js';
import { ConfigError } from '../../src/errors.js';
import type { EpochReport, EpochVerdict, EvaluationRequest } from '../../src/evaluation/types.js';
import { shippedFile } from '../../src/util/paths.js';

test('queue URLs: redis:// and rediss://, user and password, db; never a password in a message', () => {
  assert.deepEqual(parseQueueUrl('redis://127.0.0.1:6380/2'), { host: '127.0.0.1', port: 6380, db: 2, tls: false });
  assert.deepEqual(parseQueueUrl('rediss://ann:s%40cret@lab1'), { host: 'lab1', port: 6379, db: 0, tls: true, username: 'ann', password: 's@cret' });
  assert.deepEqual(parseQueueUrl('redis://:pw@[::1]:7000'), { host: '::1', port: 7000, db: 0, tls: false, password: 'pw' });
  for (const bad of ['lab1:6379', 'http://lab1', 'redis://', 'redis://lab1/x', 'redis://lab1?tls=1', 'redis://ann:hunter2@lab1/db']) {
    assert.throws(() => queueUrl('--queue', bad), (error: Error) => error instanceof ConfigError && !error.message.includes('hunter2'), bad);
  }
  assert.throws(() => queueUrl('--queue', 42), ConfigError);
  assert.equal(redactedUrl('redis://ann:hunter2@lab1:6379/1'), 'redis://ann:***@lab1:6379/1');
});

test('job ids name the experiment, the trial and the attempt; experiment keys differ per experiment', () => {
  const key = experimentKey({ name: 'a', id: 1, createdAt: '2026-01-01T00:00:00.000Z' });
  assert.match(key, /^[0-9a-f]{16}$/);
  assert.notEqual(key, experimentKey({ name: 'a', id: 1, createdAt: '2026-01-01T00:00:00.001Z' }));
  assert.equal(jobIdOf(key, 17, 2), `${key}-t17-a2`);
  assert.ok(!jobIdOf(key, 17, 2).includes(':'), 'BullMQ refuses ":" in custom ids');
});

function goodJob(): TrialJobData {
  return {
    v: PROTOCOL_VERSION,
    experiment: { key: '0123456789abcdef', name: 'exp' },
    trial: { id: 3, seq: 3, attempt: 1 },
    arch: [{ type: 'C', num_output: 4, kernel_size: 3, stride: 1, activation: 'relu' }],
    budget: { epochs: 2, trainLimit: 100 },
    seed: 7,
    training: { dataset: 'synthetic', valFraction: 0.1, splitSeed: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam' },
  };
}

test('a worker validates every job before building anything: the ARCH through src/space, settings through the option checks', () => {
  const job = validateJob(goodJob());
  assert.equal(job.id, '0123456789abcdef-t3-a1');
  assert.equal(job.arch.at(-1)?.type, 'T', 'the ARCH is normalised as nas arch check does');
  assert.deepEqual(job.problem, { input: [16, 16, 1], classes: 4 });
  assert.equal(job.training.schedule, undefined, "an older orchestrator's job has no schedule: constant");
  assert.equal(validateJob({ ...goodJob(), training: { ...goodJob().training, schedule: 'cosine' } }).training.schedule, 'cosine');
  const refusals: [string, (job: Record<string, unknown>) => void, RegExp][] = [
    ['not an object', (j) => (j.training = 'rm -rf /'), /training must be an object/],
    ['code in the ARCH', (j) => (j.arch = [{ type: 'C', num_output: 4, kernel_size: 3, toString: 'process.exit()' }]), /toString|field/],
    ['an ARCH as a string', (j) => (j.arch = "__import__('os').system('id')"), /arch must be a list/],
    ['a layer too big for the images', (j) => (j.arch = [{ type: 'C', num_output: 4, kernel_size: 64, padding: 'valid' }]), /layer 0|output|kernel/],
    ['a tensor over the limit', (j) => (j.arch = [{ type: 'FC', num_output: 2 ** 21 }]), /values|tensor|2\^28|268/],
    ['an unknown dataset', (j) => ((j.training as Record<string, unknown>).dataset = '/etc/passwd'), /training.dataset/],
    ['an unknown schedule', (j) => ((j.training as Record<string, unknown>).schedule = 'warm restarts'), /training.schedule/],
    ['epochs past the bound', (j) => ((j.budget as Record<string, unknown>).epochs = 1e9), /budget.epochs/],
    ['a negative seed', (j) => (j.seed = -1), /seed/],
    ['another protocol', (j) => (j.v = 99), /protocol version 99/],
    ['a forged experiment key', (j) => ((j.experiment as Record<string, unknown>).key = '../../x'), /experiment.key/],
    ['a name with escapes', (j) => ((j.experiment as Record<string, unknown>).name = 'x\u001b[2J'), /experiment.name/],
  ];
  for (const [what, spoil, message] of refusals) {
    const job = goodJob() as unknown as Record<string, unknown>;
    spoil(job);
    assert.throws(() => validateJob(job), (error: Error) => error instanceof InvalidJobError && /^invalid job: /.test(error.message) && message.test(error.message), what);
  }
  assert.throws(() => validateJob(null), InvalidJobError);
});

test("the orchestrator reads workers' messages and results defensively", () => {
  for (const text of ['', 'null', '[]', '{"kind":"epoch"}', '{"kind":"epoch","job":"j","run":"r","report":{"epoch":0}}', '{"kind":"nope","job":"j","run":"r"}']) {
    assert.equal(parseUpMessage(text), null, text);
  }
  const report = { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, seconds: 0.1 };
  assert.deepEqual(parseUpMessage(JSON.stringify({ kind: 'epoch', job: 'j', run: 'r', report })), { kind: 'epoch', job: 'j', run: 'r', report });
  assert.equal(jobResultOf({ run: 'r', worker: 'w', epochs: [], outcome: { status: 'completed', metrics: { valAcc: 'high' } } }), null);
  assert.deepEqual(jobResultOf({ skipped: 'settled' }), { skipped: 'settled' });
  const hostile = jobResultOf({ run: 'r', worker: 'w', epochs: [], outcome: { status: 'failed', error: 'x\u001b[2J', worker: 'evil\u001b]0;' } });
  assert.ok(hostile && 'outcome' in hostile && hostile.outcome.status === 'failed');
  assert.ok(!hostile.outcome.error.includes('\u001b') && !hostile.outcome.worker!.includes('\u001b'), 'no escape sequence reaches a terminal');
  const progress = parseUpMessage(JSON.stringify({ kind: 'progress', job: 'j', run: 'r', report: { epoch: 1, epochs: 'all' } }));
  assert.equal(progress, null, 'progress is printed: its numbers must be numbers');
  const extra = parseUpMessage(JSON.stringify({ kind: 'epoch', job: 'j', run: 'r', report: { ...report, junk: 'x'.repeat(100) } }));
  assert.deepEqual(extra, { kind: 'epoch', job: 'j', run: 'r', report }, 'only the known fields are kept');
  assert.match(queueGaveUp({ id: 'x', failedReason: 'job stalled more than allowable limit', attemptsStarted: 4, stalledCounter: 3 }), /^worker lost: .* 3 times/);
});

function request(epochs: number): EvaluationRequest {
  return { trialId: 5, seq: 5, candidate: { kind: 'arch', arch: [{ type: 'T', activation: 'softmax' }] as never }, budget: { epochs }, seed: 1, attempt: 1 };
}

const epoch = (n: number, valAcc = 0.5): EpochReport => ({ epoch: n, trainLoss: 1, trainAcc: valAcc, valLoss: 1, valAcc, seconds: 0 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

test('a follower gives the search each epoch once and in order, answers every run with the same verdict, and takes the first result', async () => {
  const seen: number[] = [];
  const sent: string[] = [];
  const follower = new TrialFollower(
    request(3),
    { onEpoch: (report): EpochVerdict => (seen.push(report.epoch), report.epoch === 2 ? 'prune' : 'continue') },
    (job, n, verdict, run) => sent.push(`${run}:${n}:${verdict}`),
  );
  follower.jobId = 'job';
  follower.epoch('a', epoch(1));
  follower.epoch('b', epoch(1)); // a second run of the same job: answered from the kept verdict
  follower.epoch('a', epoch(3)); // past a gap: held back, not recorded
  await settle();
  assert.deepEqual(seen, [1]);
  assert.deepEqual(sent, ['a:1:continue', 'b:1:continue']);
  assert.equal(follower.heldBack, true);
  follower.epoch('a', epoch(2));
  await settle();
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(sent.at(-1), 'a:2:prune');
  const outcome = { status: 'pruned' as const, metrics: { valAcc: 0.5, valLoss: 1, trainAcc: 0.5, params: 10, epochsRun: 2, backend: 'fake' }, worker: 'w' };
  follower.result({ run: 'a', worker: 'w', outcome, epochs: [epoch(1), epoch(2)] });
  follower.result({ run: 'b', worker: 'w2', outcome: { ...outcome, worker: 'w2' }, epochs: [epoch(1), epoch(2)] });
  assert.deepEqual(await follower.outcome, outcome);
  assert.deepEqual(seen, [1, 2], 'no epoch recorded twice');
});

test("a result's epochs are recorded before it settles (messages lost on the way)", async () => {
  const seen: number[] = [];
  const follower = new TrialFollower(request(2), { onEpoch: (r) => (seen.push(r.epoch), 'continue') }, () => undefined);
  const outcome = { status: 'completed' as const, metrics: { valAcc: 0.6, valLoss: 1, trainAcc: 0.6, params: 10, epochsRun: 2, backend: 'fake' }, worker: 'w' };
  follower.result({ run: 'a', worker: 'w', outcome, epochs: [epoch(1), epoch(2, 0.6)] });
  assert.deepEqual(await follower.outcome, outcome);
  assert.deepEqual(seen, [1, 2]);
});

test('src/dispatch sits between the evaluators and the app: it never imports the search, the store, the app (but its option bounds) or the CLI', () => {
  const dir = shippedFile('src', 'dispatch');
  const offenders = fs.readdirSync(dir).flatMap((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return [...text.matchAll(/from\s+'(\.\.\/[^']+)'/g)]
      .map((m) => m[1]!)
      .filter((s) => /^\.\.\/(search|store|cli|app)\//.test(s) && s !== '../app/options/bounds.js')
      .map((s) => `${file} imports ${s}`);
  });
  assert.deepEqual(offenders, []);
  const index = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
  assert.doesNotMatch(index, /from '(bullmq|ioredis)'/, 'the public surface loads BullMQ only when a queue is used');
});
