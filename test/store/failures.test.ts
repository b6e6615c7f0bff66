import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError, NasError } from '../../src/errors.js';
import { databaseFailure } from '../../src/store/failures.js';
import { guardDatabase } from '../../src/store/guard.js';
import { Store } from '../../src/store/index.js';
import { newTrial, state, tmpFile, withExperiment } from './helpers.js';

const FILE = 'runs/results.db';

test('SQLite and system codes of a failing file map to one DatabaseError each: one line, the file, exit 3', () => {
  const cases: [string, string, RegExp][] = [
    ['SQLITE_FULL', 'full', /the disk is full \(SQLITE_FULL\); .*free some space, then run the same command again/],
    ['ENOSPC', 'full', /the disk is full/],
    ['SQLITE_CORRUPT', 'damaged', /the file is damaged \(SQLITE_CORRUPT\); see what is damaged with nas db check --db runs\/results\.db/],
    ['SQLITE_CORRUPT_INDEX', 'damaged', /damaged/],
    ['SQLITE_NOTADB', 'damaged', /damaged/],
    ['SQLITE_IOERR_WRITE', 'io', /the disk failed to read or write it \(SQLITE_IOERR_WRITE\)/],
    ['SQLITE_READONLY_DBMOVED', 'read-only', /cannot be written .*read-only; make them writable, or choose another file with --db/],
    ['EROFS', 'read-only', /read-only/],
    ['SQLITE_BUSY', 'locked', /another process holds its lock \(SQLITE_BUSY, still after 0\.5 s\); wait for it/],
    ['SQLITE_LOCKED_SHAREDCACHE', 'locked', /lock/],
    ['SQLITE_CANTOPEN', 'cannot-open', /cannot be opened/],
  ];
  for (const [code, failure, message] of cases) {
    const error = databaseFailure(new Database.SqliteError('what SQLite said', code), FILE, { busyTimeoutMs: 500 });
    assert.ok(error instanceof DatabaseError && error instanceof NasError, code);
    assert.deepEqual([error.failure, error.code, error.exitCode, error.file, error.detail], [failure, code, 3, FILE, 'what SQLite said'], code);
    assert.ok(error.message.startsWith(`database ${FILE}: `), error.message);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
  }
});

test('errors that are bugs stay unmapped: SQL errors, constraints, and a write through nas\'s own read-only connection', () => {
  for (const code of ['SQLITE_ERROR', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_MISMATCH', 'SQLITE_RANGE']) {
    assert.equal(databaseFailure(new Database.SqliteError('x', code), FILE), null, code);
  }
  assert.equal(databaseFailure(new TypeError('not sqlite'), FILE), null);
  assert.equal(databaseFailure(new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'), FILE, { readOnly: true }), null);
  assert.equal(databaseFailure(new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'), FILE)?.failure, 'read-only');
});

test('a real SQLITE_FULL in a transaction: the error names the file, nothing of the transaction is kept, and every later statement refuses', () => {
  const file = tmpFile();
  const db = guardDatabase(new Database(file), file);
  db.exec('CREATE TABLE rows (payload BLOB)');
  db.prepare('INSERT INTO rows VALUES (?)').run(Buffer.alloc(100));
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + 3}`);
  const insert = db.prepare('INSERT INTO rows VALUES (?)');
  const fill = db.transaction(() => {
    for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(2000));
  });
  assert.throws(fill, (e: Error) => e instanceof DatabaseError && e.failure === 'full' && e.message.startsWith(`database ${file}: the disk is full (SQLITE_FULL)`));
  assert.equal(db.inTransaction, false);
  // Nothing that depends on the failed write may follow it: the same error, even for a read.
  assert.throws(() => db.prepare('SELECT count(*) FROM rows').get(), (e: Error) => e instanceof DatabaseError && e.failure === 'full');
  db.close();
  const check = new Database(file, { readonly: true });
  assert.deepEqual(check.prepare('SELECT count(*) AS n FROM rows').get(), { n: 1 }, 'the failed transaction left no row');
  assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
  check.close();
});

test('a lock held past the busy timeout is a DatabaseError naming the file, for a statement and for a transaction; the store goes on once it is free', () => {
  const file = tmpFile();
  withExperiment(file).store.close();
  const store = Store.open(file, { create: false, busyTimeoutMs: 150 });
  const holder = new Database(file);
  holder.exec('BEGIN EXCLUSIVE');
  const id = store.findExperiment().id;
  const locked = (e: Error): boolean =>
    e instanceof DatabaseError && e.failure === 'locked' && e.exitCode === 3 && e.message.startsWith(`database ${file}: another process holds its lock (SQLITE_BUSY, still after 0.15 s)`);
  const started = Date.now();
  assert.throws(() => store.experiments.setStatus(id, 'stopped'), locked);
  assert.ok(Date.now() - started >= 140, 'it waited for the busy timeout');
  assert.throws(() => store.queueBatch(id, 0, [newTrial(1)], state(0, 'asked', 0)), locked);
  holder.exec('ROLLBACK');
  store.queueBatch(id, 0, [newTrial(1)], state(0, 'asked', 0));
  assert.equal(store.trials.list(id).length, 1);
  store.close();
  holder.close();
});

test('a file with a SQLite header and a damaged body is a DatabaseError (damaged) for writers and readers, and is left untouched', () => {
  const file = tmpFile();
  withExperiment(file).store.close();
  const bytes = fs.readFileSync(file);
  bytes.writeUInt16BE(3, 16); // the page size: 3 is no power of two
  fs.writeFileSync(file, bytes);
  const damaged = (e: Error): boolean => e instanceof DatabaseError && e.failure === 'damaged' && e.message.includes(file);
  assert.throws(() => Store.open(file, { create: false }), damaged);
  assert.throws(() => Store.openReadOnly(file), damaged);
  assert.deepEqual(fs.readFileSync(file), bytes);
});

test('a --db path that starts with "file:" is a path (SQLite URIs are on for the read-only fallback)', () => {
  const file = tmpFile('file:results.db');
  const folder = path.dirname(file);
  withExperiment(file).store.close();
  const cwd = process.cwd();
  process.chdir(folder);
  try {
    Store.open('file:results.db', { create: false }).close();
    const reader = Store.openReadOnly('file:results.db');
    assert.equal(reader.findExperiment().name, 'e');
    reader.close();
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(fs.readdirSync(folder).filter((name) => !name.startsWith('file:results.db')), []);
});
