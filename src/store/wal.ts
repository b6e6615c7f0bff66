import type Database from 'better-sqlite3';

/**
 * Switches the file to WAL (a property of the file: done once, by whichever process gets there first). Two
 * processes converting a new file at the same moment both hold a shared lock and want an exclusive one;
 * SQLite answers one of them SQLITE_BUSY at once, without the busy handler (two searches started together
 * on a new database failed that way), so the conversion is retried until the busy timeout.
 */
export function useWal(db: Pick<Database.Database, 'pragma'>, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}
