/**
 * The dashboard at scale (issue 23): a generated 20,000-trial experiment (5 epochs each, a controller update per
 * 10 trials) loads its experiment page with every plot in headless chromium while `nas search` (the fake
 * evaluator) writes to the same file; the search's pace with and without the page open; the page bundle's size;
 * `nas report` on the same database.
 *
 *   npm run build && node dist/bench/dashboard/main.js [--trials 20000] [--loads 3] [--window 15]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { clientModules, uplotFiles } from '../../src/dashboard/assets.js';
import { startDashboard, writeReport } from '../../src/dashboard/index.js';
import { STYLE } from '../../src/dashboard/style.js';
import { Store } from '../../src/store/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { openBrowser } from '../../test/dashboard/browser.js';
import { generateExperiment } from '../../test/dashboard/generate.js';
import { timeAlgorithms } from './algorithms.js';
import { loadPage, type PageLoad } from './load.js';

const argv = yargs(hideBin(process.argv))
  .option('trials', { type: 'number', default: 20_000 })
  .option('epochs', { type: 'number', default: 5 })
  .option('loads', { type: 'number', default: 5, describe: 'timed page loads after the first' })
  .option('window', { type: 'number', default: 5, describe: 'seconds of each window of search pace' })
  .option('out', { type: 'string', default: shippedFile('bench', 'out', 'dashboard') })
  .strict()
  .parseSync();

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const TINY = shippedFile('test', 'fixtures', 'tiny-space.json');
fs.mkdirSync(argv.out, { recursive: true });
const db = path.join(argv.out, 'bench.db');
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });

const gz = (text: string): number => zlib.gzipSync(text).length;
const modules = [...clientModules().values()].join('\n');
const uplot = uplotFiles();
const bundle = { pagesRaw: modules.length, pagesGzip: gz(modules), uplotRaw: uplot.js.length + uplot.css.length, uplotGzip: gz(uplot.js) + gz(uplot.css), cssRaw: STYLE.length };

let started = performance.now();
const store = Store.open(db, { create: true });
const bigId = generateExperiment(store, { name: 'big', trials: argv.trials, epochs: argv.epochs, batchSize: 10 });
store.close();
const generateSeconds = (performance.now() - started) / 1000;
console.log(`generated ${argv.trials} trials in ${generateSeconds.toFixed(1)} s (${(fs.statSync(db).size / 1e6).toFixed(1)} MB)`);

/** `nas search` with the fake evaluator (20 ms an epoch, 2 epochs), far more trials than the window lets it finish. */
function startSearch(name: string): { child: ChildProcess; stderr: () => string } {
  const args = [CLI, 'search', '--dataset', 'synthetic', '--space', TINY, '--trials', '100000', '--epochs', '2', '--name', name, '--db', db, '--quiet'];
  const child = spawn(process.execPath, args, { env: { ...process.env, NAS_TEST_EVALUATOR: 'fake:20' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  return { child, stderr: () => stderr };
}

function finished(name: string): number {
  const reader = Store.openReadOnly(db);
  try {
    return reader.experiments.list().find((e) => e.name === name)?.finished ?? 0;
  } finally {
    reader.close();
  }
}

/** Ctrl-C, as a user would; a search still there 15 s later is killed (and says so in the results). */
async function stop(search: { child: ChildProcess }): Promise<string> {
  const closed = new Promise<string>((resolve) => search.child.on('close', (code, signal) => resolve(code === null ? `killed by ${signal}` : `exit ${code}`)));
  search.child.kill('SIGINT');
  const timer = setTimeout(() => search.child.kill('SIGKILL'), 15_000);
  const how = await closed;
  clearTimeout(timer);
  return how;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const writer = startSearch('writer');
const serverLog: string[] = [];
await sleep(2000);
const server = await startDashboard({ db, port: 0, host: '127.0.0.1', log: (line) => serverLog.push(line) });
started = performance.now();
await server.ready;
const warmSeconds = (performance.now() - started) / 1000;
const browser = await openBrowser();
const loads: PageLoad[] = [];
for (let i = 0; i <= argv.loads; i++) {
  loads.push(await loadPage(browser.page, `${server.url}#/experiment/${bigId}`, argv.trials));
  const load = loads[i]!;
  console.log(`load ${i}: every plot drawn ${load.drawnMs} ms after navigation (CPU: page ${load.pageCpuMs} ms, server ${load.serverCpuMs} ms)`);
}

/**
 * The search's pace (trials finished per second) in windows of `window` seconds, interleaved and rotated so that
 * the machine's other load and the search's own trend fall on all three alike: no page open (the dashboard idle), the big experiment's
 * page open (live, another experiment changing), the running search's own page open (redrawn at every commit).
 */
const conditions = { closed: 'about:blank', big: `${server.url}#/experiment/${bigId}`, running: '' };
const pace: Record<keyof typeof conditions, number[]> = { closed: [], big: [], running: [] };
const reader = Store.openReadOnly(db);
const writerId = reader.findExperiment('writer').id;
reader.close();
let refreshes = 0;
const order = Object.keys(conditions) as (keyof typeof conditions)[];
for (let round = 0; round < 3; round++) {
  // Each condition takes each place in a round once: the search slows as its experiment grows, the same for all.
  for (const condition of [...order.slice(round), ...order.slice(0, round)]) {
    await browser.page.goto(condition === 'running' ? `${server.url}#/experiment/${writerId}` : conditions[condition]);
    await sleep(1000);
    const before = finished('writer');
    const refreshesBefore = Number((await browser.page.getAttribute('body', 'data-refreshes').catch(() => null)) ?? 0);
    await sleep(argv.window * 1000);
    pace[condition].push((finished('writer') - before) / argv.window);
    console.log(`search pace, ${condition}: ${pace[condition].at(-1)!.toFixed(1)} trials/s`);
    refreshes += Number((await browser.page.getAttribute('body', 'data-refreshes').catch(() => null)) ?? 0) - refreshesBefore;
  }
}
const writerExit = await stop(writer);
await server.close();

started = performance.now();
const report = writeReport({ db, experiments: ['big'], out: path.join(argv.out, 'report.html') });
const reportSeconds = (performance.now() - started) / 1000;
const reportLoad = await loadPage(browser.page, `${pathToFileURL(report.file).href}#/experiment/${bigId}`, argv.trials);
await browser.close();

const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg() },
  trials: argv.trials,
  epochs: argv.epochs,
  generateSeconds,
  databaseBytes: fs.statSync(db).size,
  bundle,
  serverWarmSeconds: warmSeconds,
  loads,
  loadMedianMs: median(loads.slice(1).map((l) => l.drawnMs)),
  loadMinMs: Math.min(...loads.map((l) => l.drawnMs)),
  cpuMedianMs: { page: median(loads.map((l) => l.pageCpuMs)), server: median(loads.map((l) => l.serverCpuMs)) },
  search: {
    pace,
    paceMedian: { closed: median(pace.closed), big: median(pace.big), running: median(pace.running) },
    pageRefreshes: refreshes,
    exitCode: writerExit,
    locked: /locked|busy/i.test(writer.stderr()),
  },
  serverLog,
  report: { bytes: report.bytes, writeSeconds: reportSeconds, load: reportLoad },
  algorithms: timeAlgorithms(argv.trials),
};
fs.writeFileSync(path.join(argv.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
