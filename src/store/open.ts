import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NasError, StoreError } from '../errors.js';
import { databaseFailure } from './failures.js';
import { guardDatabase } from './guard.js';
import { checkFileBeforeOpening, checkNotNewer, checkOwnership, hasSchemaTable, schemaVersion } from './open-checks.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';
import { useWal } from './wal.js';

export type SqliteDatabase = Database.Database;
export { schemaVersion } from './open-checks.js';

export interface OpenOptions {
  /** Create the file (and its folder) when it does not exist. */
  create: boolean;
  /** Milliseconds to wait on a lock held by another process before failing. Default 10 s. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens a nas results database for writing: WAL journal (readers never block the writer), a busy timeout
 * (several processes share one file), foreign keys, and the migrations this version knows. A file that is
 * not a SQLite database, or belongs to another application, is a StoreError and is left untouched; a file
 * that fails (full disk, damaged, read-only, locked...) is a DatabaseError, here and in every later statement.
 */
export function openDatabase(file: string, options: OpenOptions): SqliteDatabase {
  checkFileBeforeOpening(file, options.create);
  const timeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const context = { busyTimeoutMs: timeout };
  let db: SqliteDatabase;
  try {
    if (options.create) makeFolder(path.dirname(path.resolve(file)));
    db = guardDatabase(new Database(plainPath(file), { fileMustExist: !options.create, timeout }), file, context);
  } catch (error) {
    throw databaseFailure(error, file, context) ?? new StoreError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    checkOwnership(db, file, options.create);
    useWal(db, timeout);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw openFailure(error, file);
  }
}

/** SQLite reads a name that starts with "file:" as a URI (URIs are on, see open-read-only.ts): not a --db path. */
export function plainPath(file: string): string {
  return file.startsWith('file:') ? `./${file}` : file;
}

/** mkdir -p, one folder at a time: Node's recursive mkdir reports ENOENT for EROFS, EACCES and the like. */
function makeFolder(folder: string): void {
  if (fs.existsSync(folder)) return;
  makeFolder(path.dirname(folder));
  try {
    fs.mkdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it meanwhile
  }
}

/** A StoreError or DatabaseError as it is; anything else (a SQL error while migrating) as a StoreError. */
export function openFailure(error: unknown, file: string): Error {
  if (error instanceof NasError) return error;
  return new StoreError(`cannot use database ${file}: ${(error as Error).message}`);
}

function migrate(db: SqliteDatabase, file: string): void {
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const current = schemaVersion(db);
    checkNotNewer(current, file);
    const record = db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]!);
      record.run(version, new Date().toISOString());
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  });
  if (hasSchemaTable(db) && schemaVersion(db) === MIGRATIONS.length) return;
  apply.immediate();
}
