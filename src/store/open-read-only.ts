import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { DatabaseError, StoreError } from '../errors.js';
import { databaseFailure } from './failures.js';
import { guardDatabase } from './guard.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openFailure, plainPath, type SqliteDatabase } from './open.js';
import { checkFileBeforeOpening, checkNotNewer, checkOwnership, hasSchemaTable, schemaVersion } from './open-checks.js';

// better-sqlite3 reads this when it loads SQLite (at the first connection): file: URIs, for immutable=1 below.
process.env['SQLITE_USE_URI'] ??= '1';

export interface ReadOnlyOptions {
  /** Milliseconds to wait on a lock held by another process before failing. Default 10 s. */
  busyTimeoutMs?: number;
  /** Skip the check that the schema is not newer than this nas knows (nas db check reports it instead). */
  anySchema?: boolean;
  /** Open a database that holds no tables yet (another process is creating it) instead of failing; see Store.holdsResults. */
  allowEmpty?: boolean;
}

/**
 * Opens a nas results database for reading only: no migration, no pragma that writes (journal_mode,
 * application_id), a SQLite connection that cannot write. A database at an older schema opens (the
 * reads tolerate the columns that later migrations added being absent); a newer one is a StoreError.
 *
 * WAL (SQLite 3.53; test/store/read-only.test.ts shows the bytes unchanged): while another connection has the file open,
 * the -wal and -shm exist and a read-only connection uses them; it writes only its read marks into the
 * -shm, never the database or the -wal, and it does not checkpoint when it closes last. When every
 * connection has closed there is no -wal and no -shm: SQLite then creates an empty -wal and a -shm and
 * leaves them; the database file is untouched and the -wal stays empty.
 *
 * Where they cannot be created (a read-only filesystem or folder), the file is opened `immutable=1`: SQLite
 * then creates nothing. That is only the fallback, because it reads without locks and ignores any -wal: a
 * writer checkpointing meanwhile would show it torn pages, and transactions still in a -wal would be missed
 * (so a non-empty -wal is refused). On read-only media no writer can run, so neither can happen there.
 */
export function openReadOnlyDatabase(file: string, options: ReadOnlyOptions = {}): SqliteDatabase {
  checkFileBeforeOpening(file, false);
  try {
    return openChecked(plainPath(file), file, options);
  } catch (error) {
    if (!cannotCreateWalFiles(error, file)) throw error;
  }
  refuseUnmergedWal(file);
  try {
    return openChecked(`${pathToFileURL(path.resolve(file)).href}?immutable=1`, file, options);
  } catch (error) {
    if ((error as { failure?: string }).failure !== 'cannot-open') throw error;
    throw readOnlyFolder(file, 'and this process cannot open it immutable (SQLite URIs are off: is SQLITE_USE_URI=0 set?)');
  }
}

/** Opens `name` (the file, or a URI for it) read-only and checks it is a nas database; errors name `file`. */
function openChecked(name: string, file: string, options: ReadOnlyOptions): SqliteDatabase {
  const context = { busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, readOnly: true };
  let db: SqliteDatabase;
  try {
    db = guardDatabase(new Database(name, { readonly: true, fileMustExist: true, timeout: context.busyTimeoutMs }), file, context);
  } catch (error) {
    throw databaseFailure(error, file, context) ?? new StoreError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    checkOwnership(db, file, options.allowEmpty ?? false);
    if (!options.anySchema) checkNotNewer(hasSchemaTable(db) ? schemaVersion(db) : 0, file);
    return db;
  } catch (error) {
    db.close();
    throw openFailure(error, file);
  }
}

/** SQLite could not create the -wal or -shm that reading a WAL database needs, as its folder is not writable. */
function cannotCreateWalFiles(error: unknown, file: string): boolean {
  const code = (error as { code?: unknown }).code;
  if (code !== 'SQLITE_CANTOPEN' && code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_READONLY_CANTINIT') return false;
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

function refuseUnmergedWal(file: string): void {
  const wal = `${file}-wal`;
  if (!fs.existsSync(wal) || fs.statSync(wal).size === 0) return;
  throw readOnlyFolder(file, `and ${wal} holds transactions not yet in the database that SQLite can read only with a -shm beside it`);
}

function readOnlyFolder(file: string, why: string): DatabaseError {
  const message = `database ${file}: its folder is read-only, ${why}; copy the database (and its -wal) to a writable folder, and read the copy`;
  return new DatabaseError(message, file, 'read-only', 'SQLITE_CANTOPEN', 'unable to open database file');
}
