/**
 * Entry of a trainer worker process (forked by the pool). It initialises one backend, keeps loaded
 * datasets, runs one job at a time, and reports tensors left behind by a job so the pool can recycle it.
 *
 * Test hook: NAS_TEST_BATCH_DELAY_MS=MS sleeps MS after every training step (a slow epoch, to see progress).
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochVerdict, TrainJob } from '../types.js';
import { DatasetCache } from '../data-cache.js';
import { runTrainJob } from '../train/job.js';
import { selectBackend, type SelectedBackend } from '../backends/index.js';
import { wasmThreadsInUse } from '../backends/wasm-threaded.js';
import { causeOfError } from './failure.js';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';

const datasets = new DatasetCache();
const pendingVerdicts = new Map<string, (verdict: EpochVerdict) => void>();
const BATCH_DELAY_ENV = 'NAS_TEST_BATCH_DELAY_MS';
const batchDelayMs = Number(process.env[BATCH_DELAY_ENV] ?? 0);

function send(message: FromWorker): void {
  process.send?.(message);
}

/** The backend as the progress output names it, e.g. 'wasm with 2 threads'. */
function backendLabel(backend: SelectedBackend): string {
  if (backend.name !== 'wasm') return backend.name;
  const threads = wasmThreadsInUse();
  return `wasm with ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Blocks this worker process (and only it) for `ms`: the test hook's slow step. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function runJob(id: number, job: TrainJob, backend: SelectedBackend, baseline: number): Promise<void> {
  try {
    const dataset = await datasets.get(job.data);
    const label = backendLabel(backend);
    const result = await runTrainJob(job, { dataset, backend: backend.name, backendNotes: backend.notes }, {
      onEpoch: (metrics) => new Promise<EpochVerdict>((resolve) => {
        pendingVerdicts.set(`${id}:${metrics.epoch}`, resolve);
        send({ type: 'epoch', id, metrics });
      }),
      onProgress: (progress) => send({ type: 'progress', id, progress: { ...progress, backend: label } }),
      ...(batchDelayMs > 0 ? { onStep: () => sleepSync(batchDelayMs) } : {}),
    });
    const leaked = tf.memory().numTensors - baseline;
    send({ type: 'result', id, result: { ...result, leakedTensors: leaked }, leaked });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    send({ type: 'failed', id, cause: causeOfError(message), error: message, leaked: tf.memory().numTensors - baseline });
  }
}

async function main(): Promise<void> {
  // Without prod mode tfjs greets each process with a banner on the shared stderr of `nas search`.
  tf.enableProdMode();
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  let backend: SelectedBackend;
  try {
    backend = await selectBackend(config.backend, { threads: config.threads });
  } catch (error) {
    send({ type: 'fatal', error: error instanceof Error ? error.message : String(error) });
    process.disconnect?.();
    return;
  }
  const baseline = tf.memory().numTensors;
  let queue = Promise.resolve();
  process.on('message', (message: ToWorker) => {
    if (message.type === 'verdict') {
      const key = `${message.id}:${message.epoch}`;
      pendingVerdicts.get(key)?.(message.verdict);
      pendingVerdicts.delete(key);
    } else if (message.type === 'job') {
      queue = queue.then(() => runJob(message.id, message.job, backend, baseline));
    }
  });
  process.on('disconnect', () => process.exit(0));
  // A terminal's Ctrl-C reaches the whole process group; the parent decides what happens to running
  // trials (re-queued) and then closes the pool, which disconnects us.
  process.on('SIGINT', () => undefined);
  send({ type: 'ready', backend: backend.name, notes: backend.notes });
}

void main();
