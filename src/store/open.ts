import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';
import { useWal } from './wal.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /** Create the file (and its folder) when it does not exist. Readers pass false. */
  create: boolean;
  /** Milliseconds to wait on a lock held by another process before failing. Default 10 s. */
  busyTimeoutMs?: number;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Opens a nas results database: WAL journal (readers never block the writer), a busy timeout (several
 * processes share one file), foreign keys, and the migrations this version knows. A file that is not a
 * SQLite database, or belongs to another application, is a StoreError and is left untouched.
 */
export function openDatabase(file: string, options: OpenOptions): SqliteDatabase {
  checkFileBeforeOpening(file, options.create);
  if (options.create) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(file, { fileMustExist: !options.create, timeout: options.busyTimeoutMs ?? 10_000 });
  } catch (error) {
    throw new StoreError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    checkOwnership(db, file, options.create);
    useWal(db, options.busyTimeoutMs ?? 10_000);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot use database ${file}: ${(error as Error).message}`);
  }
}

function checkFileBeforeOpening(file: string, create: boolean): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    if (create) return;
    throw new StoreError(`no database at ${file} (run 'nas search' first, or choose the file with --db)`);
  }
  if (!stat.isFile()) throw new StoreError(`${file} is not a file`);
  if (stat.size === 0) return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new StoreError(`${file} is not a SQLite database (choose another file with --db)`);
  }
}

function checkOwnership(db: SqliteDatabase, file: string, create: boolean): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n;
  if (tables > 0 && applicationId !== APPLICATION_ID) {
    throw new StoreError(`${file} is a SQLite database of another application, not a nas results database`);
  }
  if (tables === 0 && !create) throw new StoreError(`${file} holds no nas results yet (run 'nas search' first)`);
}

function migrate(db: SqliteDatabase, file: string): void {
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const current = (db.prepare(`SELECT max(version) AS v FROM schema_version`).get() as { v: number | null }).v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new StoreError(`${file} was written by a newer nas (schema ${current}, this one knows ${MIGRATIONS.length})`);
    }
    const record = db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]!);
      record.run(version, new Date().toISOString());
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  });
  const current = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_version'`).get() as { n: number };
  if (current.n > 0 && schemaVersion(db) === MIGRATIONS.length) return;
  apply.immediate();
}

export function schemaVersion(db: SqliteDatabase): number {
  return (db.prepare(`SELECT max(version) AS v FROM schema_version`).get() as { v: number | null }).v ?? 0;
}
