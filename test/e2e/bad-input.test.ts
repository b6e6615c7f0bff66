import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { errors, listFiles, runCli, tmpDir, TINY_SPACE, type CliResult, assertOneLineError } from './cli.js';

const SEARCH = ['search', '--space', TINY_SPACE, '--epochs', '1', '--trials', '2'];

test('bad input is a one-line error with exit code 2 and writes nothing', async () => {
  const dir = tmpDir();
  const badSpace = path.join(dir, 'bad-space.json');
  fs.writeFileSync(badSpace, JSON.stringify({ kind: 'layers', name: 'bad', minLayers: 3, maxLayers: 1, layers: { C: { num_output: [4], kernel_size: [3] } } }));
  const notSqlite = path.join(dir, 'notes.db');
  fs.writeFileSync(notSqlite, 'my notes, not a database\n');
  const before = listFiles(dir);
  const cwd = { cwd: dir };

  assertOneLineError(await runCli([...SEARCH, '--dataset', 'imagenet'], cwd), /imagenet/);
  assertOneLineError(await runCli([...SEARCH, '--dataset', 'synthetic', '--space', badSpace], cwd), /bad-space\.json/);
  assertOneLineError(await runCli([...SEARCH, '--dataset', 'synthetic', '--trials', '0'], cwd), /--trials must be a positive integer/);
  assertOneLineError(await runCli([...SEARCH, '--dataset', 'synthetic', '--threads', '0'], cwd), /--threads must be a positive integer/);
  assertOneLineError(await runCli([...SEARCH, '--dataset', 'synthetic', '--db', notSqlite], cwd), /not a SQLite database/);
  assertOneLineError(await runCli(['best', '--db', notSqlite], cwd), /not a SQLite database/);
  assertOneLineError(await runCli(['replay', '42'], cwd), /no database at results\.db/);
  assert.deepEqual(listFiles(dir), before, 'nothing written');
  assert.equal(fs.readFileSync(notSqlite, 'utf8'), 'my notes, not a database\n');

  // A trial id that does not exist, in a real database (made by a fast fake search).
  const made = await runCli(['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '2', '--db', 'r.db', '--quiet'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake' },
  });
  assert.equal(made.code, 0, made.stderr);
  const dbBefore = fs.readFileSync(path.join(dir, 'r.db'));
  assertOneLineError(await runCli(['replay', '999', '--db', 'r.db'], cwd), /no trial 999/);
  assertOneLineError(await runCli(['replay', '1', '--db', 'r.db', '--schedule', 'step'], cwd), /--schedule must be one of constant, cosine, not 'step'/);
  assertOneLineError(await runCli(['replay', '1', '--db', 'r.db', '--label-smoothing', '1'], cwd), /--label-smoothing must be in \[0, 1\)/);
  assertOneLineError(await runCli(['replay', '1', '--db', 'r.db', '--time-limit', '0'], cwd), /--time-limit must be a positive number, not 0/);
  assertOneLineError(await runCli(['show', '999', '--db', 'r.db'], cwd), /no trial 999/);
  assertOneLineError(await runCli(['trials', '--experiment', 'nope', '--db', 'r.db'], cwd), /no experiment named 'nope'/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'r.db')), dbBefore);
  assert.equal(fs.existsSync(path.join(dir, 'models')), false);
});
