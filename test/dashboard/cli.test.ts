import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { assertOneLineError, errors, runCli, startCli, type CliResult } from '../e2e/cli.js';
import { get, makeDatabase, tmpDir } from './helpers.js';

let dir: string;
/** Loading TensorFlow.js throws under this hook: the dashboard and the report never need it (they start in a blink). */
const NO_TFJS = { NODE_OPTIONS: `--import=${pathToFileURL(fileURLToPath(new URL('../e2e/block-tfjs.js', import.meta.url))).href}` };

before(() => {
  dir = tmpDir();
  makeDatabase(path.join(dir, 'r.db'), [{ name: 'first', trials: 30 }, { name: 'second', trials: 20, strategy: 'random' }]);
  const foreign = new Database(path.join(dir, 'birds.db'));
  foreign.exec('CREATE TABLE birds (name TEXT)');
  foreign.close();
});

const dashboard = (...args: string[]): Promise<CliResult> => runCli(['dashboard', ...args], { cwd: dir });

test('nas dashboard refuses bad input in one line with exit code 2', async () => {
  assertOneLineError(await dashboard('--db', 'missing.db', '--port', '0'), /no database at missing\.db/);
  assertOneLineError(await dashboard('--db', 'birds.db', '--port', '0'), /another application/);
  assertOneLineError(await dashboard('--db', 'r.db', '--port', '70000'), /--port must be at most 65,535/);
  assertOneLineError(await dashboard('--db', 'r.db', '--port', 'x'), /--port/);
  assertOneLineError(await dashboard('--db', 'r.db', '--port', '0', '--host', '203.0.113.9'), /cannot listen on --host 203\.0\.113\.9/);
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    assertOneLineError(await dashboard('--db', 'r.db', '--port', String(port)), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
  } finally {
    taken.close();
  }
  assert.deepEqual(fs.readdirSync(dir).filter((f) => !/^(r|birds)\.db(-wal|-shm)?$/.test(f)), [], 'nothing written');
});

test('nas dashboard serves until Ctrl-C, then exits 0 quietly, never loading TensorFlow.js', async () => {
  let url = '';
  const { child, done } = startCli(['dashboard', '--db', 'r.db', '--port', '0'], {
    cwd: dir,
    env: NO_TFJS,
    onLine: (line) => {
      url ||= /(http:\/\/\S+)/.exec(line)?.[1] ?? '';
    },
  });
  while (!url) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await get(url, '/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<script type="module" src="\/assets\/main\.js">/);
  child.kill('SIGINT');
  const result = await done;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(errors(result), '');
});

test('nas report writes one HTML file; a bad experiment or an unwritable path is one line and exit 2', async () => {
  const made = await runCli(['report', '--db', 'r.db', '--experiment', 'first', '--experiment', 'second', '--out', 'report.html'], { cwd: dir, env: NO_TFJS });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /^wrote .*report\.html: 2 experiments, \d+ kB; open it in a browser/);
  const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no address to fetch anything from');
  assertOneLineError(await runCli(['report', '--db', 'r.db', '--experiment', 'nope', '--out', 'x.html'], { cwd: dir }), /no experiment named 'nope'/);
  assertOneLineError(await runCli(['report', '--db', 'r.db', '--out', path.join('no', 'such', 'folder', 'x.html')], { cwd: dir }), /cannot write/);
  assertOneLineError(await runCli(['report', '--db', 'missing.db'], { cwd: dir }), /no database at missing\.db/);
  assert.equal(fs.existsSync(path.join(dir, 'x.html')), false);
});
