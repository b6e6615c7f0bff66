import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/**
 * Progress inside epochs through the real CLI. Epochs are made slow by test hooks: the trainer worker sleeps
 * after every step ($NAS_TEST_BATCH_DELAY_MS), or the fake evaluator takes its time ($NAS_TEST_EVALUATOR);
 * piped output writes its progress lines every $NAS_PROGRESS_INTERVAL seconds instead of 15.
 */
const TRAIN = ['train', '--arch', 'arch.json', '--dataset', 'synthetic', '--train-limit', '200', '--batch-size', '32', '--backend', 'cpu'];
const ARCH = [{ type: 'C', num_output: 4, kernel_size: [3, 3], stride: [2, 2], activation: 'relu' }, { type: 'FC', num_output: 16, activation: 'relu' }];
const searchArgs = (trials: number, epochs: number): string[] => [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', String(trials), '--concurrency', '1', '--controller-batch', '2',
  '--epochs', String(epochs), '--train-limit', '200', '--batch-size', '32', '--backend', 'cpu', '--seed', '5',
];

function trainDir(): string {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'arch.json'), JSON.stringify(ARCH));
  return dir;
}

/** Runs `nas ARGS` until a stdout line matches `wanted`, then stops it with SIGINT (as Ctrl-C would). */
async function untilLine(args: string[], cwd: string, env: Record<string, string>, wanted: RegExp): Promise<{ line: string; result: CliResult }> {
  let found = '';
  const { done } = startCli(args, {
    cwd,
    env,
    onLine: (line, child) => {
      if (found === '' && wanted.test(line)) {
        found = line;
        child.kill('SIGINT');
      }
    },
  });
  const result = await done;
  assert.notEqual(found, '', `no line matched ${wanted}:\n${result.stdout}\n${result.stderr}`);
  return { line: found, result };
}

test('nas train of a slow epoch: lines with batches, images/s and ETAs between the epoch lines', async () => {
  const env = { NAS_TEST_BATCH_DELAY_MS: '150', NAS_PROGRESS_INTERVAL: '0.2' };
  const result = await runCli([...TRAIN, '--epochs', '2'], { cwd: trainDir(), env });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  const epochEnd = lines.findIndex((line) => line.startsWith('epoch 1/2: train loss'));
  const inside = lines.slice(0, epochEnd).filter((line) => line.startsWith('epoch 1/2: batch'));
  assert.ok(inside.length >= 1, result.stdout);
  for (const line of inside) assert.match(line, /^epoch 1\/2: batch \d+\/\d+, [\d.]+ img\/s, epoch ETA [\dhms.]+, run ETA [\dhms.]+$/);
  assert.match(result.stdout, /\nepoch 2\/2: train loss .*\n[\s\S]*test accuracy/);
  assert.doesNotMatch(result.stdout, /estimate/, 'a run of seconds gets no estimate');
});

test('nas train expected to take long: an estimate, early, with MACs, images, epochs, the measured speed and the backend', async () => {
  // 5000 epochs of 7 steps of over 100 ms: about an hour.
  const env = { NAS_TEST_BATCH_DELAY_MS: '100', NAS_PROGRESS_INTERVAL: '600' };
  const started = Date.now();
  const { line } = await untilLine([...TRAIN, '--epochs', '5000'], trainDir(), env, /^estimate/);
  assert.match(line, /^estimate: [\d.]+[kM]? MACs x [\d.]+k? images x 5000 epochs at [\d.]+[kMG]? MAC\/s \([\d.]+ images\/s\) measured = about (\d+h\d\dm|\d+m\d\ds) of training on cpu: use a GPU backend, fewer --epochs or --train-limit$/);
  assert.ok(Date.now() - started < 60_000, 'within the first seconds of training');
});

test('nas search on a terminal-less output: a status line with each trial\'s batches, images/s and ETA (fake evaluator, 3 s epochs)', async () => {
  const env = { NAS_TEST_EVALUATOR: 'fake:3000', NAS_PROGRESS_INTERVAL: '0.5' };
  const result = await runCli([...searchArgs(1, 1), '--db', 'p.db'], { cwd: tmpDir(), env });
  assert.equal(result.code, 0, result.stderr);
  const status = result.stdout.split('\n').filter((line) => line.startsWith('progress '));
  assert.ok(status.length >= 2, result.stdout);
  for (const line of status) assert.match(line, /^progress \[0\/1 ETA -\] #1 \S+ ep 1\/1 batch \d+\/10 \d+ img\/s ETA [\d.]+s$/);
});

test('nas search --json with real training: progress events with batches, images/s, ETAs and the backend; the same rewards as without the slow steps', async () => {
  const dir = tmpDir();
  const slow = await runCli([...searchArgs(2, 1), '--json', '--db', 'slow.db'], { cwd: dir, env: { NAS_TEST_BATCH_DELAY_MS: '150', NAS_PROGRESS_INTERVAL: '0.3' } });
  assert.equal(slow.code, 0, slow.stderr);
  const events = slow.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const progress = events.filter((e) => e.type === 'progress');
  assert.ok(progress.length >= 2, slow.stdout);
  for (const p of progress) {
    assert.equal(p.backend, 'cpu');
    assert.equal(p.epoch, 1);
    assert.ok((p.batch as number) >= 1 && (p.batch as number) <= (p.batches as number));
    assert.ok((p.imagesPerSecond as number) > 0 && (p.imagesPerSecond as number) <= 32 / 0.15 + 1e-9);
    assert.equal(typeof p.runEtaSeconds, 'number');
  }
  const fast = await runCli([...searchArgs(2, 1), '--json', '--db', 'fast.db'], { cwd: dir });
  assert.equal(fast.code, 0, fast.stderr);
  const rewards = (db: string): unknown[] => {
    const handle = new Database(path.join(dir, db), { readonly: true });
    try {
      return handle.prepare('SELECT seq, hash, reward FROM trials ORDER BY seq').all();
    } finally {
      handle.close();
    }
  };
  assert.deepEqual(rewards('slow.db'), rewards('fast.db'));
});

test('nas search expected to take long: one estimate from the first trial\'s pace, then Ctrl-C stops it cleanly', async () => {
  const env = { NAS_TEST_EVALUATOR: 'fake:2000', NAS_PROGRESS_INTERVAL: '600' };
  const { line, result } = await untilLine([...searchArgs(200, 3), '--db', 'e.db'], tmpDir(), env, /^estimate/);
  // Three 2 s epochs a trial (more on a busy machine), 200 trials: 20 minutes or more.
  assert.match(line, /^estimate: about (\d\dm\d\ds|\d+h\d\dm) for the 200 trials left at the pace of trial 1 \([\d.]+s each on fake\): use a GPU backend or --max-macs$/);
  const perTrial = Number(/\(([\d.]+)s each/.exec(line)![1]);
  assert.ok(perTrial >= 5 && perTrial < 20, line);
  assert.equal(result.code, 130, result.stderr);
});
