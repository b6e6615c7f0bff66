import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { errors, runCli, startCli, tmpDir } from './cli.js';

const ARCH = [
  { type: 'C', num_output: 8, kernel_size: [3, 3], activation: 'relu', batch_norm: true, drop_out: 10 },
  { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] },
  { type: 'FC', num_output: 16, activation: 'elu', drop_out: 20 },
];

const args = (db: string) => [
  'train', '--arch', 'arch.json', '--dataset', 'synthetic', '--epochs', '4', '--augment', '--backend', 'wasm', '--batch-size', '32',
  '--models-dir', 'models', '--db', db, '--json',
];

/**
 * A full training killed after its second epoch continues from its checkpoint when the same command runs again, and
 * ends where an uninterrupted one does: same test accuracy and loss (cosine schedule, augmentation, dropout and Adam
 * all carried over).
 */
test('nas train killed mid-run: the same command continues from the last epoch and ends as an uninterrupted run', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'arch.json'), JSON.stringify(ARCH));
  const straight = await runCli(args('straight.db'), { cwd: dir });
  assert.equal(straight.code, 0, errors(straight));
  const expected = JSON.parse(straight.stdout.trim().split('\n').pop()!);

  let epochs = 0;
  let secondsAtKill = 0;
  const killed = startCli(args('resumed.db'), { cwd: dir });
  // The checkpoint after epoch 2 is written atomically; kill once it is there and names 2 epochs.
  const checkpoints = path.join(dir, 'models', '.checkpoints');
  while (epochs < 2) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const files = fs.existsSync(checkpoints) ? fs.readdirSync(checkpoints).filter((f) => f.endsWith('.ckpt')) : [];
    if (files.length > 0) {
      const header = fs.readFileSync(path.join(checkpoints, files[0]!)).subarray(0, 4096).toString();
      epochs = Number(/"epochsDone":(\d+)/.exec(header)?.[1] ?? 0);
      secondsAtKill = Number(/"elapsedSeconds":([\d.e+-]+)/.exec(header)?.[1] ?? 0);
    }
    if (killed.child.exitCode !== null) break;
  }
  killed.child.kill('SIGKILL');
  const first = await killed.done;
  assert.equal(first.signal, 'SIGKILL', `the first run ended before it could be killed: ${errors(first)}`);

  const resumed = await runCli(args('resumed.db'), { cwd: dir });
  assert.equal(resumed.code, 0, errors(resumed));
  const result = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
  assert.ok(result.resumedAfterEpoch >= 2, `continued after epoch ${result.resumedAfterEpoch}`);
  assert.ok(Math.abs(result.testAccuracy - expected.testAccuracy) <= 1e-3, `resumed ${result.testAccuracy} vs uninterrupted ${expected.testAccuracy}`);
  assert.equal(expected.resumedAfterEpoch, 0);
  // Its recorded time is the whole training's: the killed process's epochs and the resumed one's.
  const resumedEpochsSeconds = result.history.slice(result.resumedAfterEpoch).reduce((sum: number, epoch: { seconds: number }) => sum + epoch.seconds, 0);
  assert.ok(secondsAtKill > 0 && result.seconds >= secondsAtKill + resumedEpochsSeconds, `recorded ${result.seconds} s; ${secondsAtKill} s before the kill`);
  assert.deepEqual(fs.readdirSync(checkpoints), [], 'the checkpoint is removed once the training is recorded');
});
