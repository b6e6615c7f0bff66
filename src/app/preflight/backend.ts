import { BackendError, ConfigError } from '../../errors.js';
import { parseArch } from '../../space/index.js';
import { createTrainerPool, hyperParams, type BackendName, type TrainJob, type TrainOutcome } from '../../trainer/index.js';
import type { RunOptions, SearchConfig } from '../options/index.js';

type WorkerPool = ReturnType<typeof createTrainerPool>;

/** The backend the search's workers train on, as its trial step in a worker found it. */
export interface BackendInUse {
  /** The backend the worker got: tensorflow-gpu, tensorflow, wasm or cpu. */
  name: string;
  requested: BackendName;
  /** 'the CPU', 'GPU 0, 1' or 'the GPU'. */
  device: string;
  /** Threads in each worker (wasm, cpu); null for TensorFlow, which sizes its own thread pool. */
  threads: number | null;
  /** Workers at most: --concurrency, or one per GPU. */
  workers: number;
  /** What backend selection said (why not a better one, which build). */
  notes: string[];
  /** The trial step's time, worker start included. */
  probeSeconds: number;
  /** One line for the header and the experiment's row, e.g. "wasm (auto) on the CPU, 4 threads per worker, 2 workers at most". */
  text: string;
}

const INSTALL_HINTS: Record<BackendName, string> = {
  'tensorflow-gpu': 'install @tensorflow/tfjs-node-gpu (npm install @tensorflow/tfjs-node-gpu; it needs CUDA 11.2 and cuDNN 8.1), or choose --backend wasm',
  tensorflow: 'install @tensorflow/tfjs-node (npm install @tensorflow/tfjs-node), or choose --backend wasm',
  wasm: "reinstall nas's dependencies (npm ci), or choose --backend cpu",
  cpu: "reinstall nas's dependencies (npm ci)",
  auto: "reinstall nas's dependencies (npm ci)",
};

/** GPU workers need a backend that can use a GPU: refused before anything starts. */
export function checkGpuBackend(backend: BackendName, gpus: string[] | undefined): void {
  if (!gpus?.length || backend === 'auto' || backend === 'tensorflow-gpu') return;
  throw new ConfigError(`--gpus ${gpus.join(',')} needs --backend tensorflow-gpu (or auto), not '${backend}'; drop --gpus to train on the CPU`);
}

/**
 * Starts the search's pool and proves its backend: a worker (every GPU's worker, with --gpus) loads it and trains
 * one tiny network for one step on generated data. The workers stay for the search; on a failure the pool is
 * closed and the failure is a BackendError that says what to install or which flag to change.
 */
export async function proveBackend(config: Pick<SearchConfig, 'backend' | 'optimizer' | 'learningRate'>, run: RunOptions): Promise<{ pool: WorkerPool; backend: BackendInUse }> {
  const pool = createTrainerPool({ size: run.concurrency, backend: config.backend, gpus: run.gpus, threads: run.threads });
  try {
    const started = performance.now();
    const outcomes = await pool.probe(probeJob(config));
    const seconds = (performance.now() - started) / 1000;
    const result = successOf(outcomes, config.backend);
    requireGpu(result, run.gpus);
    return { pool, backend: describe(result, config.backend, run, seconds) };
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/** One step of a one-layer network on 8 generated images, with the search's optimizer (its kernels are part of the backend). */
function probeJob(config: Pick<SearchConfig, 'optimizer' | 'learningRate'>): TrainJob {
  return {
    arch: parseArch([{ type: 'C', num_output: 2, kernel_size: [3, 3], stride: [4, 4], activation: 'relu' }]),
    data: { dataset: 'synthetic', valFraction: 0.5, trainLimit: 8, splitSeed: 1, useTestSet: false },
    hyper: hyperParams({ epochs: 1, batchSize: 8, optimizer: config.optimizer, learningRate: config.learningRate }),
  };
}

type ProbeResult = { backend: string; notes: string[] };

function successOf(outcomes: TrainOutcome[], requested: BackendName): ProbeResult {
  const failed = outcomes.find((outcome) => !outcome.ok);
  if (failed && !failed.ok) {
    const where = failed.worker.startsWith('gpu') ? ` (GPU ${failed.worker.slice(3).split('#')[0]})` : '';
    throw new BackendError(`--backend ${requested} failed its trial step in a worker${where}: ${failed.error}; ${INSTALL_HINTS[requested]}`);
  }
  const first = outcomes[0];
  if (!first?.ok) throw new BackendError(`--backend ${requested}: the pool ran no trial step`);
  return { backend: first.result.backend, notes: first.result.backendNotes ?? [] };
}

/** --gpus with a backend that fell back to the CPU (auto without tfjs-node-gpu, or without CUDA) trains nothing on a GPU. */
function requireGpu(result: ProbeResult, gpus: string[] | undefined): void {
  if (!gpus?.length || result.backend === 'tensorflow-gpu') return;
  const why = result.notes.find((note) => note.startsWith("'tensorflow-gpu' not available"));
  throw new BackendError(
    `--gpus ${gpus.join(',')}: no GPU backend in the workers, they would train on ${result.backend}` +
      `${why ? ` (${why})` : ''}; ${INSTALL_HINTS['tensorflow-gpu'].replace(', or choose --backend wasm', ', or drop --gpus')}`,
  );
}

function describe(result: ProbeResult, requested: BackendName, run: RunOptions, probeSeconds: number): BackendInUse {
  const name = result.backend;
  const device = name !== 'tensorflow-gpu' ? 'the CPU' : run.gpus?.length ? `GPU ${run.gpus.join(', ')}` : 'the GPU';
  const threads = threadsOf(result, run);
  const workers = run.gpus?.length ?? run.concurrency;
  const threadText = threads === null ? "TensorFlow's own threads" : `${threads} thread${threads === 1 ? '' : 's'} per worker`;
  const text = `${name}${requested === 'auto' ? ' (auto)' : ''} on ${device}, ${threadText}, ${workers} worker${workers === 1 ? '' : 's'} at most`;
  return { name, requested, device, threads, workers, notes: result.notes, probeSeconds, text };
}

/** wasm says in its notes how many threads it runs (one in its single-threaded build); the cpu backend runs one. */
function threadsOf(result: ProbeResult, run: RunOptions): number | null {
  if (result.backend === 'cpu') return 1;
  if (result.backend !== 'wasm') return null;
  if (result.notes.some((note) => note.includes('single-threaded build'))) return 1;
  const stated = result.notes.map((note) => /(\d+) thread\(s\)/.exec(note)?.[1]).find((count) => count !== undefined);
  return stated === undefined ? run.threads : Number(stated);
}
