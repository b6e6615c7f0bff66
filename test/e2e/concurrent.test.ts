import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/** Many small commits (fake evaluator, 2 ms epochs) make lock contention as likely as it gets. */
const searchArgs = (name: string): string[] => [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '40', '--concurrency', '3', '--controller-batch', '4',
  '--epochs', '2', '--name', name, '--strategy', 'random', '--quiet',
];

test('two nas search processes on one database and nas best reading meanwhile: no "database is locked"', async () => {
  const dir = tmpDir();
  const env = { NAS_TEST_EVALUATOR: 'fake:2' };
  const first = startCli(searchArgs('first'), { cwd: dir, env });
  const second = startCli(searchArgs('second'), { cwd: dir, env });
  let searching = true;
  const readers: CliResult[] = [];
  const reading = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    while (searching) readers.push(await runCli(['best', '--experiment', 'first', '--json'], { cwd: dir }));
  })();
  const results = await Promise.all([first.done, second.done]);
  searching = false;
  await reading;
  for (const result of [...results, ...readers]) {
    assert.doesNotMatch(result.stderr, /locked|SQLITE_BUSY/i);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.ok(readers.length >= 1, 'nas best ran during the searches');
  const db = new Database(path.join(dir, 'results.db'), { readonly: true });
  const counts = db.prepare(`SELECT e.name, count(*) AS n FROM trials t JOIN experiments e ON e.id = t.experiment_id
                             WHERE t.status NOT IN ('queued', 'running') GROUP BY e.name ORDER BY e.name`).all();
  db.close();
  assert.deepEqual(counts, [{ name: 'first', n: 40 }, { name: 'second', n: 40 }]);
});
