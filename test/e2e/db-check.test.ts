import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli, startCli, tmpDir, TINY_SPACE, type CliResult } from './cli.js';

/**
 * `nas db check` on experiments left 'running': by a search that was killed (no live owner: exit 4, with the
 * command that resumes it), and by a search still at work (healthy, exit 0). It loads no TensorFlow.js and
 * writes nothing. The damaged-file case is in store-faults.test.ts.
 */
const SEARCH = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '8', '--controller-batch', '4', '--epochs', '3', '--json'];
const NAME = 'synthetic-tiny-reinforce-seed1';
const HOOK = fileURLToPath(new URL('./block-tfjs.js', import.meta.url));
const NO_TFJS = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(HOOK).href}`.trim() };

function check(dir: string, db: string, json = false): Promise<CliResult> {
  return runCli(['db', 'check', '--db', db, ...(json ? ['--json'] : [])], { cwd: dir, env: NO_TFJS });
}

test('a search killed mid-trial leaves its experiment stuck: exit 4 and how to resume; once resumed, healthy', async () => {
  const dir = tmpDir();
  const killed = await runCli([...SEARCH, '--db', 'k.db'], { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake:10', NAS_TEST_KILL_AT: 'epoch:2' } });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);

  const before = fs.readFileSync(path.join(dir, 'k.db'));
  const stuck = await check(dir, 'k.db');
  assert.equal(stuck.code, 4, stuck.stdout + stuck.stderr);
  assert.match(stuck.stdout, new RegExp(`problem: experiment '${NAME}' is 'running', but no process runs it \\(\\d/\\d trials finished, \\d trial\\(s\\) 'running' under lapsed leases`));
  assert.match(stuck.stdout, new RegExp(`what to do: resume it: nas search --resume --name ${NAME} --db k\\.db\\n`));
  assert.match(stuck.stdout, /integrity: ok/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'k.db')), before, 'the check wrote nothing');
  const json = JSON.parse((await check(dir, 'k.db', true)).stdout);
  assert.deepEqual(json.problems.map((p: { kind: string }) => p.kind), ['stuck']);
  assert.deepEqual(json.running.map((e: { name: string; stuck: boolean }) => [e.name, e.stuck]), [[NAME, true]]);

  const resumed = await runCli(['search', '--resume', '--name', NAME, '--db', 'k.db', '--quiet'], { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake:10' } });
  assert.equal(resumed.code, 0, resumed.stderr);
  const healthy = await check(dir, 'k.db');
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  assert.match(healthy.stdout, /\nhealthy\n$/);
});

test('a search at work is not stuck: its running trials hold live leases', async () => {
  const dir = tmpDir();
  let checked: Promise<CliResult> | undefined;
  const search = startCli([...SEARCH, '--concurrency', '1', '--db', 'live.db'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake:1500' },
    onLine: (line, child) => {
      if (checked || JSON.parse(line).type !== 'epoch') return;
      checked = check(dir, 'live.db').finally(() => child.kill('SIGINT'));
    },
  });
  const stopped = await search.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const during = await checked!;
  assert.equal(during.code, 0, during.stdout + during.stderr);
  assert.match(during.stdout, new RegExp(`experiment '${NAME}': running, 1 trial\\(s\\) under a live lease`));
  assert.match(during.stdout, /\nhealthy\n$/);
});

test('nas db needs its subcommand; a missing file is a one-line error (exit 2)', async () => {
  const dir = tmpDir();
  const bare = await runCli(['db'], { cwd: dir });
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^nas: error: Name a db command: check\n$/);
  const missing = await check(dir, 'nowhere.db');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^nas: error: no database at nowhere\.db/);
  assert.deepEqual(fs.readdirSync(dir), []);
});
