import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError, type DatabaseFailure } from '../errors.js';

/**
 * Turns what SQLite (a SqliteError's `code`) or the system (a Node error's `code`) says about a database
 * file into a DatabaseError: one line naming the file, what happened and what to do. Errors that are bugs
 * (SQL errors, constraint violations) are not mapped: they stay internal errors with their stack.
 */

export interface FailureContext {
  /** The connection was opened read-only by nas: a plain SQLITE_READONLY is then nas's own bug, not mapped. */
  readOnly?: boolean;
  busyTimeoutMs?: number;
}

const KINDS: readonly { failure: DatabaseFailure; codes: RegExp }[] = [
  { failure: 'full', codes: /^(SQLITE_FULL|ENOSPC|EDQUOT)$/ },
  { failure: 'damaged', codes: /^(SQLITE_CORRUPT(_\w+)?|SQLITE_NOTADB)$/ },
  { failure: 'io', codes: /^(SQLITE_IOERR(_\w+)?|EIO)$/ },
  { failure: 'read-only', codes: /^(SQLITE_READONLY(_\w+)?|SQLITE_PERM|EROFS|EACCES|EPERM)$/ },
  { failure: 'locked', codes: /^(SQLITE_BUSY(_\w+)?|SQLITE_LOCKED(_\w+)?)$/ },
  { failure: 'cannot-open', codes: /^SQLITE_CANTOPEN(_\w+)?$/ },
];

/** The DatabaseError that `error` means for `file`, or null when it is not a failure of the file. */
export function databaseFailure(error: unknown, file: string, context: FailureContext = {}): DatabaseError | null {
  if (error instanceof DatabaseError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (context.readOnly && code === 'SQLITE_READONLY') return null;
  const kind = KINDS.find(({ codes }) => codes.test(code));
  if (!kind) return null;
  const failure = refined(kind.failure, file, context);
  const detail = error instanceof Error ? error.message : String(error);
  return new DatabaseError(`database ${file}: ${describe(failure, code, file, context)}`, file, failure, code, detail);
}

/** Throws the DatabaseError that `error` means for `file`, or `error` itself. */
export function rethrowForFile(error: unknown, file: string, context: FailureContext = {}): never {
  throw databaseFailure(error, file, context) ?? error;
}

/** What happened and what to do, after "database FILE: ". */
function describe(failure: DatabaseFailure, code: string, file: string, context: FailureContext): string {
  switch (failure) {
    case 'full':
      return `the disk is full (${code}); nothing was half-written: free some space, then run the same command again (a search continues where it stopped)`;
    case 'damaged':
      return `the file is damaged (${code}); see what is damaged with nas db check --db ${file}, and restore the file from a backup`;
    case 'io':
      return `the disk failed to read or write it (${code}); check the disk (dmesg), then run the command again`;
    case 'read-only':
      return `it cannot be written (${code}): the file, its folder or its filesystem is read-only; make them writable, or choose another file with --db`;
    case 'locked':
      return `another process holds its lock (${code}${waited(context)}); wait for it to finish (another nas search, or a sqlite3 shell in a transaction), then run the command again`;
    case 'cannot-open':
      return `it cannot be opened (${code}); check that it and its folder exist and can be read (and written, for nas search)`;
  }
}

function waited(context: FailureContext): string {
  return context.busyTimeoutMs === undefined ? '' : `, still after ${context.busyTimeoutMs / 1000} s`;
}

/**
 * SQLite reports some writes on a full disk as I/O errors (the -shm or -wal growing), and a writer's open on
 * read-only media as SQLITE_CANTOPEN: ask the filesystem what it was.
 */
function refined(failure: DatabaseFailure, file: string, context: FailureContext): DatabaseFailure {
  if (failure === 'io' && diskIsFull(file)) return 'full';
  if (failure === 'cannot-open' && !context.readOnly && !writable(file)) return 'read-only';
  return failure;
}

function writable(file: string): boolean {
  const folder = path.dirname(path.resolve(file));
  // A folder that does not exist is why the open failed, not read-only media.
  if (!fs.existsSync(folder)) return true;
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function diskIsFull(file: string): boolean {
  try {
    return fs.statfsSync(path.dirname(path.resolve(file))).bavail === 0;
  } catch {
    return false;
  }
}
