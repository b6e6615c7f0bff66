import Database from 'better-sqlite3';

/**
 * Runs `work` in one IMMEDIATE transaction (taking the write lock at once, so it never deadlocks on
 * upgrade; a savepoint inside another transaction). SQLite lets a read-only connection begin one, so a
 * transaction that happens to write nothing would pass silently there: refuse it as any write is refused.
 */
export function writeTransaction<T>(db: Database.Database, work: () => T): T {
  if (db.readonly) throw new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
  return db.transaction(work).immediate();
}
