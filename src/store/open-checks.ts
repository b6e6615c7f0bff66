import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';

/** Checks that both the writers' and the readers' opens make; none of them writes. */

const SQLITE_HEADER = 'SQLite format 3\0';

/** A missing file (unless it is to be created), a folder, or a file that is not SQLite is a StoreError. */
export function checkFileBeforeOpening(file: string, create: boolean): void {
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

/** A SQLite database of another application, or (for readers) an empty one, is a StoreError. */
export function checkOwnership(db: Database.Database, file: string, create: boolean): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n;
  if (tables > 0 && applicationId !== APPLICATION_ID) {
    throw new StoreError(`${file} is a SQLite database of another application, not a nas results database`);
  }
  if (tables === 0 && !create) throw new StoreError(`${file} holds no nas results yet (run 'nas search' first)`);
}

/** A database migrated past the migrations this version knows is a StoreError. */
export function checkNotNewer(version: number, file: string): void {
  if (version <= MIGRATIONS.length) return;
  throw new StoreError(`${file} was written by a newer nas (schema ${version}, this one knows ${MIGRATIONS.length}); upgrade nas`);
}

export function schemaVersion(db: Database.Database): number {
  return (db.prepare(`SELECT max(version) AS v FROM schema_version`).get() as { v: number | null }).v ?? 0;
}

export function hasSchemaTable(db: Database.Database): boolean {
  return (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_version'`).get() as { n: number }).n > 0;
}
