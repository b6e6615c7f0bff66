import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWal } from '../../src/store/wal.js';

/** A connection whose WAL conversion fails with SQLITE_BUSY the first `busyTimes` times. */
function connection(busyTimes: number) {
  const calls: string[] = [];
  let mode = 'delete';
  return {
    calls,
    pragma(source: string) {
      calls.push(source);
      if (source === 'journal_mode') return mode;
      if (busyTimes-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      mode = 'wal';
      return mode;
    },
  };
}

test('a WAL conversion refused with SQLITE_BUSY (no busy handler runs for it) is retried until it goes through', () => {
  const db = connection(3);
  useWal(db as never, 5_000);
  assert.equal(db.calls.filter((c) => c === 'journal_mode = WAL').length, 4);
});

test('a file already in WAL mode is not converted again', () => {
  const db = connection(0);
  useWal(db as never, 5_000);
  useWal(db as never, 5_000);
  assert.deepEqual(db.calls, ['journal_mode', 'journal_mode = WAL', 'journal_mode']);
});

test('the conversion gives up with the SQLite error once the busy timeout has passed', () => {
  const db = connection(Infinity);
  const started = Date.now();
  assert.throws(() => useWal(db as never, 150), /database is locked/);
  assert.ok(Date.now() - started >= 150);
});
