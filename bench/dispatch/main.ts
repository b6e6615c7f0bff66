/**
 * Dispatch overhead: the same search of instant trials (the fake evaluator, 0 ms an epoch) evaluated in this
 * process and through the queue (`nas worker` processes on a loopback redis-server of its own), in the same run.
 * The difference, per trained trial, is what the queue costs a trial: job, lock, report stream, result, commit.
 *
 *   npm run bench:dispatch -- [--trials 500] [--workers 2] [--worker-concurrency 2] [--concurrency 4]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startSearch } from '../../src/app/search-session.js';
import { createFakeEvaluator } from '../../src/evaluation/fake.js';
import type { SearchEvent } from '../../src/search/index.js';
import { startWorkerProcess, stopAll } from '../../test/dispatch/processes.js';
import { startRedis } from '../../test/dispatch/redis-server.js';

const argv = yargs(hideBin(process.argv))
  .option('trials', { type: 'number', default: 500 })
  .option('workers', { type: 'number', default: 2, describe: '`nas worker` processes' })
  .option('worker-concurrency', { type: 'number', default: 2, describe: 'trials each worker runs at once' })
  .option('concurrency', { type: 'number', default: 4, describe: "the search's --concurrency (trials out at once)" })
  .strict()
  .help()
  .parseSync();

interface Measured {
  mode: string;
  concurrency: number;
  trained: number;
  seconds: number;
}

/** One search from its start event to its end event; the trials trained (not duplicates) are what is counted. */
async function measure(mode: 'local' | 'queue', concurrency: number, trials: number, queue?: string): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-dispatch-'));
  let started = 0;
  let ended = 0;
  const onEvent = (event: SearchEvent): void => {
    if (event.type === 'start') started = performance.now();
    if (event.type === 'end') ended = performance.now();
  };
  const summary = await startSearch({
    options: { dataset: 'synthetic', space: 'fashion', strategy: 'random', controllerBatch: 20, trials, epochs: 1, prune: 'none' },
    name: `bench-${mode}-${concurrency}`,
    resume: false,
    dbFile: path.join(dir, 'bench.db'),
    concurrency,
    onEvent,
    ...(queue ? { queue } : { createEvaluator: (problem) => createFakeEvaluator(problem, 0) }),
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const trained = summary.finished - summary.counts.duplicate;
  return { mode, concurrency, trained, seconds: (ended - started) / 1000 };
}

const redis = await startRedis();
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-workers-'));
const workers = Array.from({ length: argv.workers }, (_, i) =>
  startWorkerProcess(redis.url, `bench${i}`, { cwd, env: { NAS_TEST_EVALUATOR: 'fake:0' }, args: ['--concurrency', String(argv['worker-concurrency'])] }),
);
const results: Measured[] = [];
try {
  await Promise.all(workers.map((w) => w.ready));
  // Warm-up (module loading, Redis scripts), not reported.
  await measure('queue', 1, 10, redis.url);
  for (const concurrency of [1, argv.concurrency]) {
    results.push(await measure('local', concurrency, argv.trials));
    results.push(await measure('queue', concurrency, argv.trials, redis.url));
  }
} finally {
  await stopAll(workers);
  await redis.stop();
  fs.rmSync(cwd, { recursive: true, force: true });
}

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(`dispatch overhead: ${argv.trials} instant trials (fake evaluator), space fashion, random strategy, 1 epoch, ${os.availableParallelism()} cores (${cpu})`);
console.log(`queue: ${argv.workers} nas worker processes x ${argv['worker-concurrency']} on a loopback redis-server; local: the same evaluator in this process\n`);
console.log('| path | --concurrency | trials trained | wall (s) | ms / trial | trials / s | overhead vs local (ms / trial) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const local = results.find((l) => l.mode === 'local' && l.concurrency === r.concurrency)!;
  const perTrial = (r.seconds * 1000) / r.trained;
  const overhead = r.mode === 'queue' ? (perTrial - (local.seconds * 1000) / local.trained).toFixed(1) : '-';
  console.log(`| ${r.mode} | ${r.concurrency} | ${r.trained} | ${r.seconds.toFixed(2)} | ${perTrial.toFixed(1)} | ${(r.trained / r.seconds).toFixed(0)} | ${overhead} |`);
}
