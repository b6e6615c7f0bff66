import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CLI, tmpDir } from './cli.js';

/**
 * `nas search ... > log 2>&1 &` from a script, then `kill -INT` (issue: it printed that it was stopping, went on
 * adding trials and never exited). The space has two architectures: once both are trained, every trial repeats a
 * stored one and its batch settles without waiting on anything, the case that kept the signal handler from running.
 */
const SPACE = {
  kind: 'layers',
  name: 'two',
  description: 'two architectures',
  minLayers: 1,
  maxLayers: 1,
  maxFC: 0,
  follows: { start: ['C'], C: ['stop'] },
  layers: { C: { num_output: [2, 4], kernel_size: [1], stride: [1] } },
};
const NAME = 'synthetic-two-reinforce-seed1';
const SEARCH = ['search', '--dataset', 'synthetic', '--space', 'two.json', '--trials', '100000', '--epochs', '1', '--train-limit', '200', '--batch-size', '32', '--backend', 'cpu', '--concurrency', '2'];
const EXIT_BOUND_MS = 20_000;

interface Background {
  child: ChildProcess;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Detached (a session of its own, no terminal), stdout and stderr to a file: a background job of a script. */
function startInBackground(args: string[], cwd: string, logName: string): Background {
  const logFile = path.join(cwd, logName);
  const fd = fs.openSync(logFile, 'w');
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, log: () => fs.readFileSync(logFile, 'utf8'), exited };
}

async function waitFor(search: Background, what: string, seen: (log: string) => boolean): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const log = search.log();
    if (seen(log)) return log;
    assert.equal(search.child.exitCode, null, `exited before ${what}:\n${log}`);
    assert.ok(Date.now() < deadline, `not yet ${what}:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every trial that started here has ended, and duplicates of stored trials follow: nothing left to wait on. */
function onlyDuplicatesLeft(log: string): boolean {
  let running = 0;
  let duplicatesSince = false;
  for (const line of log.split('\n')) {
    if (/^trial \d+\/\d+ started/.test(line)) running += 1;
    else if (/^trial \d+\/\d+ (completed|pruned|failed)/.test(line)) {
      running -= 1;
      duplicatesSince = false;
    } else if (/^trial \d+\/\d+ duplicate of #/.test(line)) duplicatesSince = true;
  }
  return running === 0 && duplicatesSince;
}

/** Sends `signal` once; the search must exit by itself within the bound (else it is killed and the test fails). */
async function stopWith(search: Background, signal: NodeJS.Signals): Promise<number | null> {
  const workers = trainerWorkers(search.child.pid!);
  assert.ok(workers.length >= 1, 'trials train in worker processes');
  search.child.kill(signal);
  const timer = setTimeout(() => search.child.kill('SIGKILL'), EXIT_BOUND_MS);
  const { code, signal: killedBy } = await search.exited;
  clearTimeout(timer);
  assert.equal(killedBy, null, `still running ${EXIT_BOUND_MS / 1000} s after ${signal}:\n${search.log().slice(-2000)}`);
  assert.deepEqual(workers.filter(isTrainerWorker), [], 'no trainer worker outlives the search');
  return code;
}

/** The live trainer worker processes whose parent is `pid` (from /proc). */
function trainerWorkers(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((child) => parentOf(child) === pid && isTrainerWorker(child));
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after it do not: state, then the parent.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** A zombie or a vanished process has no command line: alive and still a trainer worker. */
function isTrainerWorker(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker.js');
  } catch {
    return false;
  }
}

function finishedTrials(dir: string): { finished: number; running: number } {
  const db = new Database(path.join(dir, 'bg.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT status FROM trials').all() as { status: string }[];
    return { finished: rows.filter((r) => r.status !== 'queued' && r.status !== 'running').length, running: rows.filter((r) => r.status === 'running').length };
  } finally {
    db.close();
  }
}

test('nas search in the background: one SIGINT or SIGTERM stops it, commits, leaves no worker, exits by itself; --resume continues', async (t) => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'two.json'), JSON.stringify(SPACE));
  const searches: Background[] = [];
  t.after(() => searches.forEach(({ child }) => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));

  const first = startInBackground([...SEARCH, '--db', 'bg.db'], dir, 'first.log');
  searches.push(first);
  await waitFor(first, 'both architectures trained', onlyDuplicatesLeft);
  assert.equal(await stopWith(first, 'SIGINT'), 130);
  assert.match(first.log(), /nas: SIGINT: stopping/);
  assert.match(first.log(), new RegExp(`experiment ${NAME}: stopped \\(interrupted\\)`));
  const stopped = finishedTrials(dir);
  assert.equal(stopped.running, 0);

  const resumed = startInBackground(['search', '--resume', '--name', NAME, '--db', 'bg.db'], dir, 'resumed.log');
  searches.push(resumed);
  const log = await waitFor(resumed, 'resumed, with only duplicates left', onlyDuplicatesLeft);
  assert.match(log, new RegExp(`^resuming experiment ${NAME}: ${stopped.finished}/100000 trials done`, 'm'));
  assert.equal(await stopWith(resumed, 'SIGTERM'), 143);
  assert.ok(finishedTrials(dir).finished > stopped.finished, 'the resumed search committed trials');
});
