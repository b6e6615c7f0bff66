import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError } from '../../src/errors.js';
import { Store } from '../../src/store/index.js';
import { newTrial, state, tmpFile, withExperiment } from './helpers.js';
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from './faults.js';

/**
 * A database on read-only media, where SQLite cannot create the -wal and -shm that reading a WAL database
 * needs: readers fall back to immutable mode and read everything; writers get a DatabaseError.
 * Each test mounts a tmpfs, copies files in, and remounts it read-only.
 */
const mounts: Tmpfs[] = [];
after(() => mounts.forEach((mount) => mount.unmount()));

/** A closed database with a batch committed; `keepWal` also leaves a WAL with one more transaction. */
function sourceDatabase(keepWal: boolean): string {
  const file = tmpFile();
  const { store, id } = withExperiment(file);
  store.queueBatch(id, 0, [newTrial(1), newTrial(2)], state(0, 'asked', 0));
  store.close();
  if (keepWal) {
    // A writer that has not checkpointed (as one that was killed): the last transaction is only in the -wal.
    const writer = new Database(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare(`UPDATE experiments SET message = 'only in the WAL'`).run();
    fs.copyFileSync(`${file}-wal`, `${file}-wal.copy`);
    fs.copyFileSync(`${file}-shm`, `${file}-shm.copy`);
    writer.close();
  }
  return file;
}

/** `files` (source path -> name) on a fresh tmpfs, remounted read-only; returns the folder. */
function readOnlyCopy(files: Record<string, string>): string {
  const mount = mountTmpfs('4m');
  mounts.push(mount);
  for (const [from, name] of Object.entries(files)) fs.copyFileSync(from, path.join(mount.dir, name));
  mount.remountReadOnly();
  return mount.dir;
}

function readAll(store: Store): unknown {
  const experiment = store.findExperiment();
  return { experiment, trials: store.trials.list(experiment.id), state: store.controller.latestState(experiment.id) };
}

const skip = tmpfsUnavailable;

test('a reader reads a database on read-only media (immutable mode), the same as from a writable folder, creating nothing', { skip }, () => {
  const source = sourceDatabase(false);
  const dir = readOnlyCopy({ [source]: 'r.db' });
  const reader = Store.openReadOnly(path.join(dir, 'r.db'));
  const seen = readAll(reader);
  reader.close();
  assert.deepEqual(fs.readdirSync(dir), ['r.db']);
  const original = Store.openReadOnly(source);
  assert.deepEqual(seen, readAll(original));
  original.close();
});

test('with its -wal and -shm beside it on read-only media, a reader needs no fallback and sees the -wal', { skip }, () => {
  const source = sourceDatabase(true);
  const dir = readOnlyCopy({ [source]: 'r.db', [`${source}-wal.copy`]: 'r.db-wal', [`${source}-shm.copy`]: 'r.db-shm' });
  const reader = Store.openReadOnly(path.join(dir, 'r.db'));
  assert.equal(reader.findExperiment().message, 'only in the WAL');
  reader.close();
});

test('a -wal holding transactions without its -shm, on read-only media: refused (immutable would miss them), naming the -wal', { skip }, () => {
  const source = sourceDatabase(true);
  const dir = readOnlyCopy({ [source]: 'r.db', [`${source}-wal.copy`]: 'r.db-wal' });
  const file = path.join(dir, 'r.db');
  assert.throws(
    () => Store.openReadOnly(file),
    (e: Error) => e instanceof DatabaseError && e.exitCode === 3 && e.message.startsWith(`database ${file}: its folder is read-only, and ${file}-wal holds transactions not yet in the database`),
  );
});

test('a writer on read-only media gets a DatabaseError naming the file, and writes nothing', { skip }, () => {
  const source = sourceDatabase(false);
  const dir = readOnlyCopy({ [source]: 'r.db' });
  const file = path.join(dir, 'r.db');
  const before = fs.readFileSync(file);
  const readOnly = (e: Error): boolean => e instanceof DatabaseError && e.failure === 'read-only' && e.exitCode === 3;
  assert.throws(() => Store.open(file, { create: false }), (e: Error) => readOnly(e) && e.message.startsWith(`database ${file}: it cannot be written`));
  const inNewFolder = path.join(dir, 'new', 'r.db');
  assert.throws(() => Store.open(inNewFolder, { create: true }), (e: Error) => readOnly(e) && (e as DatabaseError).code === 'EROFS');
  assert.deepEqual(fs.readFileSync(file), before);
  assert.deepEqual(fs.readdirSync(dir), ['r.db']);
});
