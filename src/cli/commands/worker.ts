import os from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { choiceOf, deviceNumbers, positiveIntegerUpTo, positiveNumber, printableName, splitList, text } from '../../checks.js';
import { ConfigError } from '../../errors.js';
import { checkQueue, queueUrl, redactedUrl, startWorker, type ValidJob } from '../../dispatch/index.js';
import type { Evaluator } from '../../evaluation/types.js';
import { BACKENDS, OPTION_BOUNDS, resolveRunOptions, type BackendName } from '../../app/options/index.js';
import { FAKE_EVALUATOR_ENV, fakeEvaluatorFromEnv } from '../../app/test-hooks.js';

interface WorkerArgs {
  queue: string;
  gpus?: string[];
  concurrency?: number;
  threads?: number;
  'data-dir'?: string;
  backend: string;
  name?: string;
  'lock-seconds': number;
}

const MAX_LOCK_SECONDS = 3600;

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Train trials from a queue in Redis (run one on every machine; nas search --queue sends the trials)',
  builder: (yargs) =>
    yargs
      .option('queue', { type: 'string', demandOption: true, describe: 'The queue: redis://[user:password@]host:port[/db], or rediss://... (TLS)' })
      .option('gpus', { type: 'string', coerce: splitList, describe: 'GPU ids, e.g. 0,1: one trainer process per GPU (CUDA_VISIBLE_DEVICES)' })
      .option('concurrency', { type: 'number', describe: 'Trials trained at once, each in its own process [default: 1, or one per GPU]' })
      .option('threads', { type: 'number', describe: 'wasm threads per trainer process [default: the cores divided among them]' })
      .option('data-dir', { type: 'string', describe: "Folder holding (or receiving) the datasets [default: Debian's packages, then ~/.cache/nas/datasets]" })
      .option('backend', { type: 'string', default: 'auto', describe: `tfjs backend: ${BACKENDS.join(', ')}` })
      .option('name', { type: 'string', describe: "This worker's name in nas workers and in each trial's worker column [default: the host name]" })
      .option('lock-seconds', { type: 'number', default: 30, describe: 'A worker silent this long (dead, or cut off) is taken for dead: its trial runs again elsewhere' })
      .example('$0 worker --queue redis://:secret@lab1:6379', 'Train trials for every nas search --queue redis://:secret@lab1:6379')
      .epilogue('Ctrl-C finishes the running trials and exits (Ctrl-C again, or SIGTERM, hands them back to the queue at once).') as unknown as Argv<WorkerArgs>,
  handler: async (args) => {
    const url = queueUrl('--queue', args.queue);
    const name = printableName('--name', args.name ?? os.hostname());
    const backend = choiceOf(BACKENDS)('--backend', args.backend) as BackendName;
    const gpus = args.gpus?.length ? deviceNumbers('--gpus', args.gpus) : undefined;
    const lockSeconds = positiveNumber('--lock-seconds', args['lock-seconds']);
    if (lockSeconds > MAX_LOCK_SECONDS) throw new ConfigError(`--lock-seconds must be at most ${MAX_LOCK_SECONDS}, not ${lockSeconds}`);
    const dataDir = args['data-dir'] === undefined ? undefined : text('--data-dir', args['data-dir']);
    if (args.concurrency !== undefined) positiveIntegerUpTo(OPTION_BOUNDS.concurrency)('--concurrency', args.concurrency);
    const { threadsPerWorker } = await import('../../trainer/index.js');
    const run = resolveRunOptions({ concurrency: args.concurrency ?? gpus?.length ?? 1, threads: args.threads, gpus }, threadsPerWorker);
    await checkQueue(url);
    const trainer = await trainerFor(backend, run, dataDir);
    const say = (line: string): void => void process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
    say(`nas worker ${name}: ${trainer.backend}; taking trials from ${redactedUrl(url)}`);
    const worker = await startWorker({
      url,
      name,
      concurrency: run.concurrency,
      backend: trainer.backend,
      gpus: run.gpus ?? [],
      lockMs: Math.round(lockSeconds * 1000),
      evaluatorFor: trainer.evaluatorFor,
      log: say,
    });
    let stopping: NodeJS.Signals | undefined;
    let handingBack = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      const code = (stopping ?? signal) === 'SIGINT' ? 130 : 143;
      if (handingBack) {
        // Redis away and the hand-back waiting on it: the jobs' locks will expire and the queue will run them elsewhere.
        say(`${signal}: quitting at once`);
        process.exit(code);
      }
      if (stopping === undefined && signal === 'SIGINT') {
        say('SIGINT: finishing the running trials, taking no new one (Ctrl-C again hands them back to the queue)');
        void worker.drain();
      } else {
        say(`${signal}: handing the running trials back to the queue (once more quits at once)`);
        handingBack = true;
        void worker.handBack();
      }
      stopping ??= signal;
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await worker.closed;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await trainer.close();
    }
    say('stopped');
    if (stopping) process.exitCode = stopping === 'SIGINT' ? 130 : 143;
  },
};

interface Trainer {
  backend: string;
  evaluatorFor: (job: ValidJob) => Evaluator;
  close: () => Promise<void>;
}

/**
 * What trains the jobs: the trainer's worker processes, their backend proven by a trial step before the first
 * job is taken (as `nas search` does), or the deterministic fake when a test asks for it ($NAS_TEST_EVALUATOR).
 */
async function trainerFor(backend: BackendName, run: ReturnType<typeof resolveRunOptions>, dataDir: string | undefined): Promise<Trainer> {
  if (process.env[FAKE_EVALUATOR_ENV]) {
    return { backend: `fake (${FAKE_EVALUATOR_ENV})`, evaluatorFor: (job) => fakeEvaluatorFromEnv(job.problem)!, close: async () => undefined };
  }
  const { createTrainingEvaluator } = await import('../../evaluation/index.js');
  const { checkGpuBackend, proveBackend } = await import('../../app/preflight/backend.js');
  checkGpuBackend(backend, run.gpus);
  const proven = await proveBackend({ backend, optimizer: 'adam', learningRate: 0.001 }, run);
  return {
    backend: proven.backend.text,
    evaluatorFor: (job) => createTrainingEvaluator({ ...job.training, ...(dataDir === undefined ? {} : { dataDir }) }, proven.pool),
    close: () => proven.pool.close(),
  };
}
