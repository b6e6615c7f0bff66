import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/** Many small commits (fake evaluator, 60 ms epochs, 3 trials at a time) make lock contention likely. */
const TRIALS = 90;
const searchArgs = (name: string): string[] => [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', String(TRIALS), '--concurrency', '3', '--controller-batch', '6',
  '--epochs', '2', '--name', name, '--strategy', 'random', '--json',
];

test('two nas search processes on one database and nas best reading meanwhile: no "database is locked"', async () => {
  const dir = tmpDir();
  const env = { NAS_TEST_EVALUATOR: 'fake:60' };
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const isStart = (line: string) => line.startsWith('{') && (JSON.parse(line) as { type?: string }).type === 'start';
  const first = startCli(searchArgs('first'), { cwd: dir, env, onLine: (line) => isStart(line) && started() });
  // A first search that ends without its start line must fail the assertions below, not leave the readers waiting.
  void first.done.then(() => started());
  const second = startCli(searchArgs('second'), { cwd: dir, env });
  let searching = true;
  let firstEnded = Infinity;
  const readers: CliResult[] = [];
  const readerEnds: number[] = [];
  const reading = (async () => {
    await firstStarted;
    while (searching) {
      const result = await runCli(['best', '--experiment', 'first', '--json'], { cwd: dir });
      readers.push(result);
      readerEnds.push(Date.now());
    }
  })();
  const results = await Promise.all([
    first.done.then((r) => ((firstEnded = Math.min(firstEnded, Date.now())), r)),
    second.done.then((r) => ((firstEnded = Math.min(firstEnded, Date.now())), r)),
  ]);
  searching = false;
  await reading;
  for (const result of [...results, ...readers]) {
    assert.doesNotMatch(result.stderr, /locked|SQLITE_BUSY/i);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.ok(readerEnds.some((end) => end < firstEnded), 'nas best read the database while both searches were running');
  const db = new Database(path.join(dir, 'results.db'), { readonly: true });
  const counts = db.prepare(`SELECT e.name, count(*) AS n FROM trials t JOIN experiments e ON e.id = t.experiment_id
                             WHERE t.status NOT IN ('queued', 'running') GROUP BY e.name ORDER BY e.name`).all();
  db.close();
  assert.deepEqual(counts, [{ name: 'first', n: TRIALS }, { name: 'second', n: TRIALS }]);
});

test('a new search on a database another search has just made, its schema not yet committed, starts instead of failing', async () => {
  const dir = tmpDir();
  // The file as another search leaves it between switching to WAL and committing its schema: a header, no tables.
  const made = new Database(path.join(dir, 'results.db'));
  made.pragma('journal_mode = WAL');
  made.close();
  const result = await runCli(['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '3', '--epochs', '1', '--strategy', 'random', '--json'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake:10' },
  });
  assert.equal(result.code, 0, result.stderr);
  const db = new Database(path.join(dir, 'results.db'), { readonly: true });
  const finished = db.prepare(`SELECT count(*) AS n FROM trials WHERE status NOT IN ('queued', 'running')`).get() as { n: number };
  db.close();
  assert.equal(finished.n, 3);
});
