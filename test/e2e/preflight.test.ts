import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { errors, listFiles, runCli, tmpDir, TINY_SPACE, type CliResult, assertOneLineError } from './cli.js';

const BASE = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--epochs', '1', '--trials', '2', '--quiet'];
const FAKE = { NAS_TEST_EVALUATOR: 'fake' };
const DEFAULT_NAME = 'synthetic-tiny-reinforce-seed1';
/** Real training, as small as it gets: one trial, one epoch on 40 images, scored on 20. */
const REAL = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--epochs', '1', '--trials', '1', '--train-limit', '40', '--val-limit', '20', '--batch-size', '8'];

function experiments(file: string): { name: string; status: string; backend: string | null; config: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT name, status, backend, config FROM experiments ORDER BY id').all() as ReturnType<typeof experiments>;
  } finally {
    db.close();
  }
}

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** The refused command writes nothing (no database file either); the corrected one then completes under the default name. */
async function refusedThenCorrected(bad: string[], pattern: RegExp, fixed: string[], env: Record<string, string> = FAKE, fixedEnv = env): Promise<void> {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'a-file'), 'not a folder\n');
  const before = listFiles(dir);
  const withDb = (args: string[]): string[] => (args.includes('--db') ? args : [...args, '--db', 'p.db']);
  assertOneLineError(await runCli(withDb(bad), { cwd: dir, env }), pattern);
  assert.deepEqual(listFiles(dir), before, `nothing written by ${bad.join(' ')}`);
  const corrected = await runCli(withDb(fixed), { cwd: dir, env: fixedEnv });
  assert.equal(corrected.code, 0, corrected.stderr);
  const db = path.join(dir, withDb(fixed).at(withDb(fixed).indexOf('--db') + 1)!);
  assert.deepEqual(experiments(db).map((e) => [e.name, e.status]), [[DEFAULT_NAME, 'completed']]);
}

test('caps no ARCH fits: refused before the experiment exists, and the corrected caps run under the default name', async () => {
  await refusedThenCorrected([...BASE, '--max-params', '10'], /over the cap of 10\b/, [...BASE, '--max-params', '100000']);
  await refusedThenCorrected([...BASE, '--max-macs', '1'], /over the cap of 1\b/, [...BASE, '--max-macs', '1000000']);
});

test('a strategy that cannot be built is refused before the experiment exists', async () => {
  await refusedThenCorrected([...BASE, '--controller-options', '{"hiddenSize":1e9}'], /hiddenSize/, [...BASE, '--controller-options', '{"hiddenSize":16}']);
});

test('a split the data cannot give is refused before the experiment exists', async () => {
  await refusedThenCorrected([...BASE, '--batch-size', '1000'], /--batch-size 1000 .*training split \(540 images/, [...BASE, '--batch-size', '32']);
  await refusedThenCorrected([...BASE, '--train-limit', '5'], /--train-limit 5 .*validation/, [...BASE, '--train-limit', '200']);
});

test('a database path under a regular file is refused before anything is written', async () => {
  await refusedThenCorrected([...BASE, '--db', 'a-file/sub/p.db'], /a-file is a file, not a folder/, [...BASE, '--db', 'sub/p.db']);
});

test('a backend that is not installed fails fast in the preflight, exit 2, no experiment; the corrected backend trains', { skip: installed('@tensorflow/tfjs-node') && 'tfjs-node is installed here' }, async () => {
  const started = performance.now();
  await refusedThenCorrected([...REAL, '--backend', 'tensorflow'], /@tensorflow\/tfjs-node.*npm install @tensorflow\/tfjs-node/, [...REAL, '--backend', 'wasm'], {});
  assert.ok(performance.now() - started < 60_000, 'no trial was trained with a missing backend');
});

test('--gpus without a GPU backend fails in the preflight instead of training on the CPU', { skip: installed('@tensorflow/tfjs-node-gpu') && 'tfjs-node-gpu is installed here' }, async () => {
  await refusedThenCorrected([...REAL, '--gpus', '0'], /--gpus 0: no GPU backend in the workers.*tfjs-node-gpu/, [...REAL], {}, FAKE);
  const explicit = await runCli([...REAL, '--backend', 'wasm', '--gpus', '0', '--db', 'x.db'], { cwd: tmpDir(), env: FAKE });
  assertOneLineError(explicit, /--gpus 0 needs --backend tensorflow-gpu \(or auto\), not 'wasm'/);
});

test('the header names the backend, its threads and its device, and the experiment stores it; a resume records its own', async () => {
  const dir = tmpDir();
  const first = await runCli([...REAL, '--backend', 'wasm', '--threads', '1', '--db', 'r.db'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const header = 'wasm on the CPU, 1 thread per worker, 1 worker at most';
  assert.equal(first.stdout.split('\n')[0], `backend: ${header}`);
  assert.equal(experiments(path.join(dir, 'r.db'))[0]!.backend, header);

  const resumed = await runCli(['search', '--resume', '--trials', '2', '--backend', 'cpu', '--db', 'r.db', '--json'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  const backend = JSON.parse(resumed.stdout.split('\n')[0]!) as { type: string; name: string; threads: number; device: string };
  assert.deepEqual([backend.type, backend.name, backend.threads, backend.device], ['backend', 'cpu', 1, 'the CPU']);
  assert.equal(experiments(path.join(dir, 'r.db'))[0]!.backend, 'cpu on the CPU, 1 thread per worker, 1 worker at most');
});

test('a resume whose backend fails changes nothing in the database', { skip: installed('@tensorflow/tfjs-node') && 'tfjs-node is installed here' }, async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'r.db');
  assert.equal((await runCli([...BASE, '--db', 'r.db'], { cwd: dir, env: FAKE })).code, 0);
  const before = experiments(db);
  const bytes = fs.readFileSync(db);
  const resumed = await runCli(['search', '--resume', '--trials', '3', '--backend', 'tensorflow', '--db', 'r.db'], { cwd: dir });
  assertOneLineError(resumed, /--backend tensorflow failed its trial step/);
  assert.deepEqual(experiments(db), before);
  assert.deepEqual(fs.readFileSync(db), bytes);
});

test('a refused new experiment adds no row to an existing database', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'r.db');
  assert.equal((await runCli([...BASE, '--db', 'r.db'], { cwd: dir, env: FAKE })).code, 0);
  const bytes = fs.readFileSync(db);
  assertOneLineError(await runCli([...BASE, '--seed', '2', '--max-params', '10', '--db', 'r.db'], { cwd: dir, env: FAKE }), /cap of 10/);
  assert.deepEqual(experiments(db).map((e) => e.name), [DEFAULT_NAME]);
  assert.deepEqual(fs.readFileSync(db), bytes);
});
