import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { errors, listFiles, runCli, startCli, tmpDir, TINY_SPACE, type CliResult, assertOneLineError } from './cli.js';

const FAKE = { NAS_TEST_EVALUATOR: 'fake' };
const BASE = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--quiet'];
const SEARCH = [...BASE, '--epochs', '1', '--trials', '2'];
const GOOD_ARCH = JSON.stringify([{ type: 'C', num_output: 4, kernel_size: 3 }, { type: 'P', pool: 'global_avg' }]);

/** Runs each command in `dir` and checks it is refused with one line, writing nothing there. */
async function refusedWithoutWriting(dir: string, cases: [string[], RegExp][], env: Record<string, string> = {}): Promise<void> {
  const before = listFiles(dir);
  for (const [args, pattern] of cases) {
    assertOneLineError(await runCli(args, { cwd: dir, env }), pattern);
    assert.deepEqual(listFiles(dir), before, `nothing written by nas ${args.join(' ')}`);
  }
}

test('--concurrency above the cores is capped with one warning line; above 1024 it is refused', async () => {
  const dir = tmpDir();
  const capped = await runCli([...SEARCH, '--concurrency', '1000', '--db', 'c.db'], { cwd: dir, env: FAKE });
  assert.equal(capped.code, 0, capped.stderr);
  const cores = os.availableParallelism();
  assert.deepEqual(errors(capped).split('\n'), [`nas: warning: --concurrency 1000 is more than the ${cores} cores of this machine: capped at ${cores} workers (more would only slow each other down)`]);
  await refusedWithoutWriting(dir, [[[...SEARCH, '--concurrency', '5000', '--db', 'd.db'], /--concurrency must be at most 1,024, not 5000/]], FAKE);
});

test('controller sizes and numeric options have bounds: refused with the option and the bound, before anything is written', async () => {
  const dir = tmpDir();
  const arch = path.join(dir, 'arch.json');
  fs.writeFileSync(arch, GOOD_ARCH);
  await refusedWithoutWriting(dir, [
    [[...SEARCH, '--controller-options', '{"hiddenSize":1e9}'], /option 'hiddenSize' of strategy 'reinforce' must be at most 1,024, not 1000000000/],
    [[...SEARCH, '--strategy', 'evolution', '--controller-options', '{"populationSize":1e7}'], /'populationSize' of strategy 'evolution' must be at most 10,000/],
    [[...SEARCH, '--controller-batch', '1e6'], /--controller-batch must be at most 1,000, not 1000000/],
    [[...SEARCH, '--batch-size', '1e12'], /--batch-size must be at most 65,536, not 1000000000000/],
    [[...BASE, '--epochs', '1e9'], /--epochs must be at most 10,000/],
    [[...BASE, '--trials', '1e9'], /--trials must be at most 100,000/],
    [[...SEARCH, '--threads', '1e6'], /--threads must be at most 256/],
    [[...SEARCH, '--train-limit', '1e12'], /--train-limit must be at most 10,000,000/],
    [['train', '--arch', arch, '--dataset', 'synthetic', '--batch-size', '1e12'], /--batch-size must be at most 65,536/],
    [['train', '--arch', arch, '--dataset', 'synthetic', '--epochs', '1e9'], /--epochs must be at most 10,000/],
  ], FAKE);
});

test('ARCH files: deep nesting and files over 1 MiB are one-line errors, never a stack overflow', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'deep.txt'), `ARCH = ${'['.repeat(500_000)}`);
  fs.writeFileSync(path.join(dir, 'deep.json'), `[{"type": "C", "num_output": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "kernel_size": 3}]`);
  fs.writeFileSync(path.join(dir, 'big.json'), `[${`${JSON.stringify({ type: 'C', num_output: 8, kernel_size: 3 })},`.repeat(50_000)}{"type": "T"}]`);
  await refusedWithoutWriting(dir, [
    [['arch', 'check', 'deep.txt'], /deep\.txt: cannot read ARCH text: lists and dicts nested more than 32 deep at line 1, column 40/],
    [['arch', 'show', 'deep.json'], /deep\.json: lists and dicts nested more than 32 deep/],
    [['arch', 'check', 'big.json'], /big\.json: the ARCH file is over the limit of 1 MiB \(1048576 bytes\)/],
    [['train', '--arch', 'big.json', '--dataset', 'synthetic'], /over the limit of 1 MiB/],
  ]);
});

test('a layer whose weight tensor cannot be allocated is refused at check time, by arch check and by train', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'huge.json'), JSON.stringify([{ type: 'C', num_output: 32, kernel_size: 3 }, { type: 'FC', num_output: 1e9 }]));
  const size = /layer 1, field 'num_output': its weight tensor would hold [\d,]+ values \(\d+x1000000000\), over the 268,435,456 \(2\^28\) that one tensor may hold/;
  await refusedWithoutWriting(dir, [
    [['arch', 'check', 'huge.json'], size],
    [['train', '--arch', 'huge.json', '--dataset', 'synthetic', '--backend', 'cpu'], size],
  ]);
});

test('a streaming command stops quietly (exit 0) when its reader goes away', async () => {
  const dir = tmpDir();
  const lines: string[] = [];
  const { child, done } = startCli(['space', 'sample', 'fashion', '--count', '1e9'], {
    cwd: dir,
    onLine: (line, process) => {
      lines.push(line);
      if (lines.length === 3) process.stdout!.destroy();
    },
  });
  const started = Date.now();
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const result = await done;
  clearTimeout(killer);
  assert.equal(result.signal, null, 'it ended by itself, not killed after 10 s');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(errors(result), '', 'no EPIPE trace');
  assert.ok(Date.now() - started < 5_000, `stopped within seconds of the reader going (${Date.now() - started} ms)`);
  assert.ok(lines.length >= 3, 'the lines read before the reader went (one chunk may hold more)');
});

test('experiment names are 1 to 100 printable characters', async () => {
  const dir = tmpDir();
  await refusedWithoutWriting(dir, [
    [[...SEARCH, '--name', ''], /--name must not be empty/],
    [[...SEARCH, '--name', 'two\nlines'], /--name must be printable \(no control characters, newlines or escape sequences\), not 'two\\u000alines'/],
    [[...SEARCH, '--name', '\u001b[31mred'], /--name must be printable .*not '\\u001b\[31mred'/],
    [[...SEARCH, '--name', 'n'.repeat(101)], /--name must be at most 100 characters/],
  ], FAKE);
});

test('a validation split too small to rank is refused, with the rule and what to change', async () => {
  const dir = tmpDir();
  await refusedWithoutWriting(dir, [
    [[...SEARCH, '--train-limit', '100'], /--train-limit 100 leaves 11 validation examples .* needs at least 20 \(5 per class, and 20 at least\): raise --train-limit to 180 or more, or give --val-limit 20/],
    [['search', '--dataset', 'fashion-mnist', '--train-limit', '5', '--trials', '2'], /--train-limit 5 leaves 1 validation example .* at least 50/],
  ], FAKE);
});

test('output folders are checked before training: --models-dir on a file is refused, nothing is written', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'arch.json'), GOOD_ARCH);
  fs.writeFileSync(path.join(dir, 'models'), 'a file, not a folder');
  await refusedWithoutWriting(dir, [
    [['train', '--arch', 'arch.json', '--dataset', 'synthetic', '--epochs', '1', '--backend', 'cpu'], /--models-dir models is a file, not a folder/],
    [['train', '--arch', 'arch.json', '--dataset', 'synthetic', '--models-dir', 'models/deeper'], /--models-dir models\/deeper cannot be created: .*models is a file/],
  ]);
});

test('datasets fetch: --data-dir on a file is one line; a failed download leaves no folder behind', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'data'), 'a file');
  const offline = { NAS_DATA_MIRROR: 'http://127.0.0.1:1' };
  await refusedWithoutWriting(dir, [
    [['datasets', 'fetch', 'mnist', '--data-dir', 'data'], /cannot create the data folder .*data\/mnist: .*data is a file, not a folder \(see --data-dir\)/],
    [['datasets', 'fetch', 'mnist', '--data-dir', 'new/datasets'], /cannot download http:\/\/127\.0\.0\.1:1\/mnist\//],
  ], offline);
});

test('space commands default to the input the space is made for', async () => {
  const dir = tmpDir();
  const show = await runCli(['space', 'show', 'fashion'], { cwd: dir });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /size for input 28x28x1, 10 classes, at most 2000000 MACs/);
  const sample = await runCli(['space', 'sample', 'fashion', '--count', '1', '--json'], { cwd: dir });
  assert.equal(sample.code, 0, sample.stderr);
  const both = await runCli(['space', 'sample', 'fashion', '--count', '1', '--json', '--input', '28x28x1', '--classes', '10'], { cwd: dir });
  assert.equal(sample.stdout, both.stdout, 'the same candidates as with --input 28x28x1 --classes 10');
  const cifar = await runCli(['space', 'show', 'fashion', '--dataset', 'cifar10'], { cwd: dir });
  assert.match(cifar.stdout, /size for input 32x32x3, 10 classes/, '--dataset still wins');
});

test('a damaged stored ARCH: replay is one line; nas show prints an ARCH one layer per line', async () => {
  const dir = tmpDir();
  const made = await runCli([...SEARCH, '--db', 'r.db'], { cwd: dir, env: FAKE });
  assert.equal(made.code, 0, made.stderr);
  const shown = await runCli(['show', '1', '--db', 'r.db'], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  const archLines = shown.stdout.split('ARCH JSON:\n')[1]!.trim().split('\n');
  assert.equal(archLines[0], '[');
  assert.equal(archLines.at(-1), ']');
  for (const line of archLines.slice(1, -1)) assert.match(line, /^ {2}\{"type":"(C|P|FC|T)".*\},?$/);
  for (const [file, arch] of [['bad-json.db', '[{"type":"C"'], ['bad-arch.db', '[{"type":"X"}]']]) {
    fs.copyFileSync(path.join(dir, 'r.db'), path.join(dir, file!));
    const db = new Database(path.join(dir, file!));
    db.prepare('UPDATE trials SET arch = ? WHERE id = 1').run(arch);
    db.close();
  }
  await refusedWithoutWriting(dir, [
    [['replay', '1', '--db', 'bad-json.db'], /trial 1: its stored ARCH is damaged \(not JSON\)/],
    [['replay', '1', '--db', 'bad-arch.db'], /trial 1's stored ARCH is damaged: layer 0, field 'type': must be one of/],
  ]);
  // A reader may leave SQLite's -wal and -shm files beside the database: only its message is checked here.
  assertOneLineError(await runCli(['show', '1', '--db', 'bad-json.db'], { cwd: dir }), /trial 1: its stored ARCH is damaged \(not JSON\)/);
});
