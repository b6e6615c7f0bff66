import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { commandsFor } from '../../src/cli/commands/index.js';
import { runCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/**
 * `nas best`, `trials`, `show` and `experiments` never load TensorFlow.js (they run under a hook that makes
 * loading it throw) and never write to the database (its bytes and its WAL's are the same afterwards): on a
 * closed database, on one whose writer is still open with a WAL not yet checkpointed, and on one whose
 * writer died leaving such a WAL (a read-write connection would checkpoint that WAL into the file on close).
 */
const HOOK = fileURLToPath(new URL('./block-tfjs.js', import.meta.url));
const NO_TFJS = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(HOOK).href}`.trim() };
const EXPERIMENT = 'readers';
const TRIALS = 6;
const RENAMED = 'renamed-in-the-wal';

let dir: string;
let writer: Database.Database;

before(async () => {
  dir = tmpDir();
  const search = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', String(TRIALS), '--epochs', '1'];
  const made = await runCli([...search, '--controller-batch', '3', '--name', EXPERIMENT, '--db', 'closed.db', '--quiet'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake' },
  });
  assert.equal(made.code, 0, made.stderr);
  copyDatabase('closed.db', 'live.db');
  writer = openWithPendingWrite(inDir('live.db'));
  copyDatabase('live.db', 'died.db');
});

after(() => writer?.close());

test('the hook works: under it, nas search fails on its first TensorFlow.js import, and so does a require of it', async () => {
  const search = await runCli(['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '1', '--db', 'blocked.db'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake', ...NO_TFJS },
  });
  assert.notEqual(search.code, 0);
  assert.match(search.stderr, /TensorFlow\.js blocked by the test: '@tensorflow\//);
  const required = spawnSync(process.execPath, ['--import', pathToFileURL(HOOK).href, '-e', "require('@tensorflow/tfjs')"], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(required.status, 0);
  assert.match(required.stderr, /TensorFlow\.js blocked by the test: '@tensorflow\/tfjs'/);
});

test('the registry loads only the command that argv names, and each command under its own name', async () => {
  const every = await commandsFor([]);
  assert.equal(every.length, 16);
  for (const command of every) {
    const name = String(command.command).split(' ')[0]!;
    const loaded = await commandsFor([name, '--help']);
    assert.equal(loaded.length, 1, name);
    assert.equal(loaded[0], command, name);
  }
});

test('closed database: the readers print their usual output, load no TensorFlow.js, leave the file and WAL as they were', async () => {
  await checkReaders('closed.db', EXPERIMENT);
});

test('a writer holds the database with a WAL not yet checkpointed: the readers see its write and change no byte', async () => {
  assert.ok(fs.statSync(inDir('live.db-wal')).size > 0, 'the WAL holds the pending write');
  await checkReaders('live.db', RENAMED);
});

test('the writer died leaving its WAL: the readers read through it and neither checkpoint nor delete it', async () => {
  assert.ok(fs.statSync(inDir('died.db-wal')).size > 0, 'the WAL holds the write');
  await checkReaders('died.db', RENAMED);
});

/** Runs every reader on `db` under the hook, checks each one's output, and that `db` and its WAL kept their bytes. */
async function checkReaders(db: string, experiment: string): Promise<void> {
  const before = fingerprint(inDir(db));
  const top = JSON.parse((await read(['best', '--json', '--db', db])).stdout) as { id: number; experiment: string; reward: number; arch: unknown }[];
  assert.equal(top.length, 5);
  assert.ok(top.every((t) => t.experiment === experiment));
  assert.deepEqual(top.map((t) => t.reward), top.map((t) => t.reward).sort((a, b) => b - a), 'best first');
  const best = top[0]!;

  const table = (await read(['best', '--db', db])).stdout;
  assert.match(table, new RegExp(`^experiment ${experiment}\\n`));
  assert.match(table, new RegExp(`full ARCH: nas show ${best.id}; train it fully: nas replay ${best.id}\\n$`));
  assert.deepEqual(JSON.parse((await read(['best', '--arch-only', '--db', db])).stdout), best.arch);

  const listed = JSON.parse((await read(['trials', '--json', '--db', db])).stdout) as { seq: number }[];
  assert.deepEqual(listed.map((t) => t.seq), [1, 2, 3, 4, 5, 6]);
  const trials = (await read(['trials', '--db', db])).stdout.trimEnd().split('\n');
  assert.match(trials[0]!, new RegExp(`^experiment ${experiment} \\(completed\\)$`));
  assert.equal(trials.length, 2 + TRIALS, 'title, header, one row per trial');

  assert.match((await read(['show', String(best.id), '--db', db])).stdout, new RegExp(`^trial ${best.id}: experiment ${experiment}, #\\d+ [^]*ARCH JSON:\\n`));
  assert.match((await read(['show', `${experiment}:1`, '--db', db])).stdout, new RegExp(`^trial \\d+: experiment ${experiment}, #1 \\(batch \\d+\\)`));
  assert.match((await read(['experiments', '--db', db])).stdout, new RegExp(`\\n${experiment} +completed +synthetic +tiny .* ${TRIALS}/${TRIALS} `));

  assert.deepEqual(fingerprint(inDir(db)), before, `${db} and its WAL are byte for byte the same`);
}

/** `nas ARGS` under the hook that fails any TensorFlow.js import; it must succeed and print nothing on stderr. */
async function read(args: string[]): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, env: NO_TFJS });
  assert.equal(result.code, 0, `nas ${args.join(' ')}: ${result.stderr}`);
  assert.equal(result.stderr, '', `nas ${args.join(' ')}`);
  return result;
}

/** The database's bytes and its WAL's. A missing WAL reads as empty: both hold nothing, and SQLite may leave an empty one behind a reader. */
function fingerprint(file: string): { db: string; wal: string } {
  const wal = `${file}-wal`;
  return { db: sha256(fs.readFileSync(file)), wal: sha256(fs.existsSync(wal) ? fs.readFileSync(wal) : Buffer.alloc(0)) };
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Renames the experiment in a transaction that stays in the WAL (no automatic checkpoint) while the connection stays open. */
function openWithPendingWrite(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('wal_autocheckpoint = 0');
  db.prepare('UPDATE experiments SET name = ?').run(RENAMED);
  return db;
}

/** Copies a database and its WAL as they are on disk (what a writer that died would leave). */
function copyDatabase(from: string, to: string): void {
  fs.copyFileSync(inDir(from), inDir(to));
  if (fs.existsSync(inDir(`${from}-wal`))) fs.copyFileSync(inDir(`${from}-wal`), inDir(`${to}-wal`));
}

function inDir(file: string): string {
  return path.join(dir, file);
}
