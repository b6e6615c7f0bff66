import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { garbleRootPage, mountTmpfs, tmpfsUnavailable, type Tmpfs } from '../store/faults.js';
import { errors, runCli, startCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/**
 * Store failures through the real CLI: a disk that fills up mid-search, a damaged page, read-only media.
 * Each is one line `nas: error: database FILE: ...` with exit code 3, and leaves the database consistent.
 * The disk and the read-only media are tmpfs mounts (root only: skipped with the reason otherwise).
 */
const search = (trials: number): string[] => [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', String(trials), '--concurrency', '2', '--controller-batch', '4',
  '--epochs', '3', '--json',
];
const SEARCH = search(20);
const FAKE = { NAS_TEST_EVALUATOR: 'fake:20' };
const DATABASE_FAILURE = 3;

const mounts: Tmpfs[] = [];
after(() => mounts.forEach((mount) => mount.unmount()));

function mounted(size: string): Tmpfs {
  const mount = mountTmpfs(size);
  mounts.push(mount);
  return mount;
}

/** Hashes and rewards of the latest experiment's trials, in sequence order (the database read-only). */
function sequence(file: string): [number, string, string, number | null][] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT seq, hash, status, reward FROM trials ORDER BY seq`).raw().all() as [number, string, string, number | null][];
  } finally {
    db.close();
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Writes into `file` until the filesystem refuses (ENOSPC), to the last page. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function assertOneLine(result: CliResult, pattern: RegExp): void {
  const stderr = errors(result);
  assert.equal(stderr.split('\n').length, 1, stderr);
  assert.match(stderr, pattern);
  assert.equal(result.code, DATABASE_FAILURE, stderr);
}

test('the disk fills up mid-search: one line and exit 3, the database intact; with space freed, the same command finishes as an uninterrupted run', { skip: tmpfsUnavailable }, async () => {
  const reference = tmpDir();
  const uninterrupted = await runCli([...SEARCH, '--db', 'ref.db'], { cwd: reference, env: FAKE });
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

  const disk = mounted('8m');
  const file = path.join(disk.dir, 'results.db');
  const filler = path.join(disk.dir, 'filler');
  let filled = false;
  const run = startCli([...SEARCH, '--db', file], {
    cwd: disk.dir,
    env: FAKE,
    onLine: (line) => {
      if (filled || JSON.parse(line).type !== 'trial-end') return;
      filled = true;
      fillDisk(filler);
    },
  });
  const full = await run.done;
  assert.ok(filled, 'the search got going before the disk was filled');
  assertOneLine(full, new RegExp(`^nas: error: database ${file}: the disk is full \\(SQLITE_FULL\\); .*free some space, then run the same command again`));
  assert.equal(integrity(file), 'ok');
  const unfinished = sequence(file);
  assert.ok(unfinished.filter(([, , status]) => !['queued', 'running'].includes(status)).length < 20, 'it stopped before the end');

  const check = await runCli(['db', 'check', '--db', file], { cwd: disk.dir });
  assert.ok([0, 4].includes(check.code!), check.stdout + check.stderr);
  assert.match(check.stdout, /integrity: ok/);

  fs.rmSync(filler);
  const resumed = await runCli([...SEARCH, '--db', file], { cwd: disk.dir, env: FAKE });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(sequence(file), sequence(path.join(reference, 'ref.db')));
});

test('a damaged page: readers give one line naming the file, and nas db check reports where the damage is', async () => {
  const dir = tmpDir();
  const made = await runCli([...search(6), '--db', 'good.db'], { cwd: dir, env: FAKE });
  assert.equal(made.code, 0, made.stderr);
  fs.copyFileSync(path.join(dir, 'good.db'), path.join(dir, 'bad.db'));
  garbleRootPage(path.join(dir, 'bad.db'), 'trials');

  const damaged = /^nas: error: database bad\.db: the file is damaged \(SQLITE_CORRUPT\); see what is damaged with nas db check --db bad\.db, and restore the file from a backup$/;
  for (const reader of [['best'], ['trials'], ['experiments']]) {
    assertOneLine(await runCli([...reader, '--db', 'bad.db'], { cwd: dir }), damaged);
  }
  const check = await runCli(['db', 'check', '--db', 'bad.db'], { cwd: dir });
  assert.equal(check.code, DATABASE_FAILURE, check.stderr);
  assert.match(check.stdout, /integrity: DAMAGED/);
  assert.match(check.stdout, /table trials: SQLITE_CORRUPT: database disk image is malformed/);
  assert.match(check.stdout, /what to do: restore bad\.db from a backup/);
  const json = JSON.parse((await runCli(['db', 'check', '--db', 'bad.db', '--json'], { cwd: dir })).stdout);
  assert.deepEqual([json.healthy, json.problems.map((p: { kind: string }) => p.kind)], [false, ['damaged']]);

  const good = await runCli(['db', 'check', '--db', 'good.db'], { cwd: dir });
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /integrity: ok[\s\S]*\nhealthy\n$/);
});

test('readers on read-only media read through the immutable fallback what they read from a writable folder', { skip: tmpfsUnavailable }, async () => {
  const dir = tmpDir();
  const made = await runCli([...search(6), '--db', 'r.db'], { cwd: dir, env: FAKE });
  assert.equal(made.code, 0, made.stderr);
  const media = mounted('4m');
  fs.copyFileSync(path.join(dir, 'r.db'), path.join(media.dir, 'r.db'));
  media.remountReadOnly();
  const readers = [['best'], ['trials'], ['experiments'], ['show', '1'], ['db', 'check']];
  const runs = await Promise.all(
    readers.map((reader) => Promise.all([runCli([...reader, '--db', 'r.db'], { cwd: media.dir }), runCli([...reader, '--db', 'r.db'], { cwd: dir })])),
  );
  runs.forEach(([fromMedia, fromFolder], i) => {
    assert.equal(fromMedia.code, 0, `${readers[i]!.join(' ')}: ${fromMedia.stderr}`);
    assert.equal(fromMedia.stdout, fromFolder.stdout, readers[i]!.join(' '));
  });
  assert.deepEqual(fs.readdirSync(media.dir), ['r.db']);
});
