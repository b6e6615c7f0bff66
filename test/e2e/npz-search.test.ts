/**
 * .npz archives written by NumPy itself (/usr/bin/python3 with numpy; .ci/run installs python3-numpy), searched and
 * replayed through the CLI: the same images as uint8 and as float32 in [0, 1] search alike, trial by trial.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, runCli, tmpDir, TINY_SPACE, rows } from './cli.js';

const PYTHON = '/usr/bin/python3';

/**
 * 300 train + 90 test 12x12 images of three classes (bright top half, left half or centre on noise), given as uint8
 * [N,H,W] with int64 labels (np.savez) and as float32 [N,H,W,1] = x / 255 with uint8 labels (np.savez_compressed).
 */
const WRITE = `
import sys
import numpy as np
rng = np.random.default_rng(7)
def images(n):
    y = np.arange(n) % 3
    x = rng.integers(0, 60, size=(n, 12, 12))
    x[y == 0, :6, :] += 150
    x[y == 1, :, :6] += 150
    x[y == 2, 3:9, 3:9] += 150
    return x.astype(np.uint8), y
x_train, y_train = images(300)
x_test, y_test = images(90)
names = np.array(['top', 'left', 'centre'])
np.savez(sys.argv[1] + '/u8.npz', x_train=x_train, y_train=y_train.astype(np.int64), x_test=x_test, y_test=y_test.astype(np.int64), class_names=names)
f32 = lambda x: (x[..., None] / 255).astype(np.float32)
np.savez_compressed(sys.argv[1] + '/f32.npz', x_train=f32(x_train), y_train=y_train.astype(np.uint8), x_test=f32(x_test), y_test=y_test.astype(np.uint8), class_names=names)
`;

/** One pixel of the archive changed, saved again by NumPy: the same size, other bytes. */
const CHANGE = `
import sys
import numpy as np
with np.load(sys.argv[1]) as archive:
    arrays = dict(archive)
arrays['x_train'][0, 0, 0] ^= 1
np.savez(sys.argv[1], **arrays)
`;

function python(script: string, ...args: string[]): void {
  try {
    execFileSync(PYTHON, ['-c', script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(error);
    throw new Error(`this test needs ${PYTHON} with numpy (apt-get install python3-numpy; .ci/run installs it): ${detail}`);
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The descriptor's content fingerprint of an .npz: SHA-256 of its kind and bytes (src/data/custom/load.ts). */
const fingerprintOf = (file: string): string => createHash('sha256').update('npz\n').update(fs.readFileSync(file)).digest('hex');


test('NumPy .npz, uint8 and float32: searched (the same trials), the best trial replayed with a test accuracy, a changed archive refused', async () => {
  const dir = tmpDir();
  python(WRITE, dir);
  const cwd = { cwd: dir, env: { NAS_DATA_DIR: path.join(dir, 'cache') } };
  const kinds = ['u8', 'f32'] as const;
  const search = (kind: string) =>
    runCli(['search', '--dataset', `${kind}.npz`, '--db', `${kind}.db`, '--space', TINY_SPACE, '--trials', '4', '--controller-batch', '4', '--epochs', '1',
      '--batch-size', '16', '--backend', 'cpu', '--concurrency', '1'], cwd);
  const searches = await Promise.all(kinds.map(search));
  const trials: Record<string, unknown>[][] = [];
  for (const [i, kind] of kinds.entries()) {
    const file = path.join(dir, `${kind}.npz`);
    const { code, stdout, stderr } = searches[i]!;
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^data: ${escape(file)}: 390 examples in 3 classes \\(300 train, 90 test given\\), 12x12x1; read in [\\d.]+ s, cached\\n`));
    assert.match(stdout, new RegExp(`experiment ${kind}\\.npz-tiny-reinforce-seed1: completed`));
    const [experiment] = rows(path.join(dir, `${kind}.db`), 'SELECT config FROM experiments');
    const { kind: stored, path: where, fingerprint, shape, classNames, counts, testSplit } = JSON.parse(experiment!.config as string).datasetDescriptor;
    assert.deepEqual({ stored, where, shape, classNames, counts, testSplit },
      { stored: 'npz', where: file, shape: [12, 12, 1], classNames: ['top', 'left', 'centre'], counts: { train: 300, test: 90 }, testSplit: 'given' });
    assert.equal(fingerprint, fingerprintOf(file), "the fingerprint is of the archive's bytes");
    trials.push(rows(path.join(dir, `${kind}.db`), 'SELECT seq, hash, status, reward, val_acc FROM trials ORDER BY seq'));
  }
  assert.equal(trials[0]!.length, 4);
  assert.ok(trials[0]!.some((t) => (t.reward as number) > 0.6), `a trial learned the classes: ${JSON.stringify(trials[0])}`);
  assert.deepEqual(trials[1], trials[0], 'float32 x / 255 reads back as the uint8 pixels: the same trials, reward for reward');

  const replays = await Promise.all(kinds.map(async (kind) => {
    const best = await runCli(['best', '--json', '--top', '1', '--db', `${kind}.db`], cwd);
    assert.equal(best.code, 0, best.stderr);
    const [{ id }] = JSON.parse(best.stdout) as { id: number }[];
    return { id, result: await runCli(['replay', String(id), '--epochs', '2', '--backend', 'cpu', '--db', `${kind}.db`], cwd) };
  }));
  for (const [i, kind] of kinds.entries()) {
    const { id, result } = replays[i]!;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^data: ${escape(path.join(dir, `${kind}.npz`))}: 390 examples .* read from the dataset cache in [\\d.]+ s\\n`));
    const printed = Number(/^test accuracy: ([\d.]+)%/m.exec(result.stdout)?.[1]);
    const [replay] = rows(path.join(dir, `${kind}.db`), 'SELECT trial_id, test_acc, confusion FROM replays');
    assert.equal(replay!.trial_id, id);
    assert.equal(printed, Number(((replay!.test_acc as number) * 100).toFixed(2)), 'the accuracy printed is the one stored');
    assert.ok((replay!.test_acc as number) > 0.6, `${kind}: test accuracy ${replay!.test_acc} is well above chance (1/3)`);
    assert.equal((JSON.parse(replay!.confusion as string) as number[][]).flat().reduce((a, b) => a + b), 90, 'evaluated on the 90 given test examples');
  }

  const file = path.join(dir, 'u8.npz');
  const before = fingerprintOf(file);
  const size = fs.statSync(file).size;
  python(CHANGE, file);
  assert.equal(fs.statSync(file).size, size);
  const after = fingerprintOf(file);
  assertOneLineError(await runCli(['replay', String(replays[0]!.id), '--epochs', '2', '--backend', 'cpu', '--db', 'u8.db'], cwd), new RegExp(
    `u8\\.npz is not the data experiment 'u8\\.npz-tiny-reinforce-seed1' was read from: its files changed ` +
      `\\(content fingerprint ${before.slice(0, 12)} then, ${after.slice(0, 12)} now; 390 examples then and now\\); restore the files, or search the data as it is now$`,
  ));
  assert.equal(rows(path.join(dir, 'u8.db'), 'SELECT id FROM replays').length, 1, 'the refused replay recorded nothing');
});
