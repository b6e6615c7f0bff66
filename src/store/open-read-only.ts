import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { DEFAULT_BUSY_TIMEOUT_MS, type SqliteDatabase } from './open.js';
import { checkFileBeforeOpening, checkNotNewer, checkOwnership, hasSchemaTable, schemaVersion } from './open-checks.js';

export interface ReadOnlyOptions {
  /** Milliseconds to wait on a lock held by another process before failing. Default 10 s. */
  busyTimeoutMs?: number;
}

/**
 * Opens a nas results database for reading only: no migration, no pragma that writes (journal_mode,
 * application_id), a SQLite connection that cannot write. A database at an older schema opens (the
 * reads tolerate the columns that later migrations added being absent); a newer one is a StoreError.
 *
 * WAL (SQLite 3.53; test/store/read-only.test.ts shows the bytes unchanged): while another connection has the file open,
 * the -wal and -shm exist and a read-only connection uses them; it writes only its read marks into the
 * -shm, never the database or the -wal, and it does not checkpoint when it closes last. When every
 * connection has closed there is no -wal and no -shm: SQLite then creates an empty -wal and a -shm (so
 * the folder must be writable, else SQLITE_READONLY_DIRECTORY) and leaves them; the database file is
 * untouched and the -wal stays empty.
 * `immutable=1` would create nothing, but it reads without locks and would see torn pages if a writer
 * checkpointed meanwhile, so it is not used.
 */
export function openReadOnlyDatabase(file: string, options: ReadOnlyOptions = {}): SqliteDatabase {
  checkFileBeforeOpening(file, false);
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StoreError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    checkOwnership(db, file, false);
    checkNotNewer(hasSchemaTable(db) ? schemaVersion(db) : 0, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot read database ${file}: ${explain(error, file)}`);
  }
}

function explain(error: unknown, file: string): string {
  if ((error as { code?: string }).code !== 'SQLITE_READONLY_DIRECTORY') return (error as Error).message;
  return `SQLite must create its -wal and -shm files beside it, and ${path.dirname(path.resolve(file))} is not writable (copy the database to a writable folder)`;
}
