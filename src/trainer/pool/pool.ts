import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BackendName, FailureCause, RunHooks, TrainJob, TrainOutcome, TrainerPool } from '../types.js';
import { causeOfExit } from './failure.js';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';

export interface PoolOptions {
  /** Workers on CPU; ignored when `gpus` is given (one worker per GPU). */
  size: number;
  backend: BackendName;
  /** CUDA device ids, e.g. ['0', '1']: one worker each, with CUDA_VISIBLE_DEVICES set to it. */
  gpus?: string[];
  /** Threads of the wasm backend in each worker. */
  threads?: number;
  /** Node options of the worker processes, e.g. ['--max-old-space-size=4096']. */
  execArgv?: string[];
}

/**
 * The wasm threads each of `workers` CPU workers gets when they share the machine: one per core between them, at
 * least one (more threads than cores only makes the workers wait for each other).
 */
export function threadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, workers)));
}

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));
const STDERR_TAIL_CHARS = 4000;

/** The pool as createTrainerPool makes it: jobs, and the workers' pids (for tests and diagnostics). */
export interface WorkerPool extends TrainerPool {
  /**
   * Proves the backend before the first job: runs `job` in a fresh worker (in every GPU's worker, on a GPU pool),
   * which then stays for the jobs that follow. Call it before run().
   */
  probe(job: TrainJob): Promise<TrainOutcome[]>;
  /** One entry per slot; undefined where no worker runs (it never started, or died and was not needed since). */
  workerPids(): (number | undefined)[];
}

/**
 * Long-lived trainer worker processes, started on first use: a pool of `size` starts no more workers than it is
 * given jobs at once, and a free worker that has started is reused before another starts.
 */
export function createTrainerPool(options: PoolOptions): WorkerPool {
  const slots = options.gpus?.length
    ? options.gpus.map((gpu) => new WorkerSlot(`gpu${gpu}`, options, { CUDA_VISIBLE_DEVICES: gpu }))
    : Array.from({ length: Math.max(1, options.size) }, (_, i) => new WorkerSlot(`w${i}`, options, {}));
  const idle = [...slots];
  const waiting: ((slot: WorkerSlot) => void)[] = [];
  let closed = false;

  const acquire = (): Promise<WorkerSlot> => {
    const slot = idle.shift();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: WorkerSlot): void => {
    const next = waiting.shift();
    if (next) next(slot);
    else idle.unshift(slot);
  };

  return {
    async run(job: TrainJob, hooks: RunHooks = {}): Promise<TrainOutcome> {
      if (closed) throw new Error('the trainer pool is closed');
      const slot = await acquire();
      try {
        return await slot.run(job, hooks);
      } finally {
        release(slot);
      }
    },
    async probe(job: TrainJob): Promise<TrainOutcome[]> {
      const targets = options.gpus?.length ? [...slots] : [slots[0]!];
      if (closed || !targets.every((slot) => idle.includes(slot))) throw new Error('probe() comes before any run() of an open pool');
      for (const slot of targets) idle.splice(idle.indexOf(slot), 1);
      return Promise.all(targets.map(async (slot) => {
        try {
          return await slot.run(job, {});
        } finally {
          release(slot);
        }
      }));
    },
    workerPids: () => slots.map((slot) => slot.pid),
    async close(): Promise<void> {
      closed = true;
      await Promise.all(slots.map((slot) => slot.stop()));
    },
  };
}

interface ActiveJob {
  id: number;
  hooks: RunHooks;
  resolve: (outcome: TrainOutcome) => void;
  reject: (error: unknown) => void;
  /** What the epoch hook threw: the job is stopped and its caller gets this error, not a pruned result. */
  hookError?: unknown;
}

/**
 * One worker position in the pool: no process until its first job, then a child process, replaced whenever it
 * dies or must be recycled.
 */
class WorkerSlot {
  private child: ChildProcess | undefined;
  private ready: Promise<void> = Promise.resolve();
  private generation = 0;
  private stderrTail = '';
  private active: ActiveJob | undefined;
  private nextJobId = 1;
  private stopped = false;

  constructor(private readonly name: string, private readonly options: PoolOptions, private readonly env: Record<string, string>) {}

  private get label(): string {
    return `${this.name}#${this.generation}`;
  }

  private spawn(): void {
    this.generation += 1;
    this.stderrTail = '';
    const config: WorkerConfig = { backend: this.options.backend, threads: this.options.threads };
    const child = fork(WORKER_SCRIPT, [JSON.stringify(config)], {
      env: { ...process.env, ...this.env },
      execArgv: this.options.execArgv ?? [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      let started = false;
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started = true;
          resolve();
        } else if (message.type === 'fatal') {
          reject(new Error(`the trainer worker could not start: ${message.error}`));
        } else {
          this.onMessage(message);
        }
      });
      child.on('exit', (code, signal) => {
        reject(new Error(`the trainer worker exited while starting (${causeOfExit(code, signal, this.stderrTail).error})`));
        // A worker that never started is replaced by the next run(), which reports why; no restart loop.
        if (child === this.child && started) this.onExit(code, signal);
      });
      child.on('error', (error) => reject(new Error(`the trainer worker could not be started: ${error.message}`)));
    });
    this.ready.catch(() => undefined);
  }

  async run(job: TrainJob, hooks: RunHooks): Promise<TrainOutcome> {
    if (hooks.signal?.aborted) return this.failure('error', 'aborted before it started');
    if (this.child === undefined) this.spawn();
    try {
      await this.ready;
    } catch (error) {
      // The next job starts another worker, which reports why if it fails too: no restart loop while idle.
      this.discard();
      return this.failure('error', (error as Error).message);
    }
    // Aborted while the worker was starting: the abort listener below would never fire, and the job would run to its end.
    if (hooks.signal?.aborted) return this.failure('error', 'aborted before it started');
    const id = this.nextJobId++;
    return new Promise<TrainOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.active?.id !== id) return;
        this.active = undefined;
        resolve(this.failure('error', 'aborted: the trial was cancelled and its worker stopped'));
        this.replace();
      };
      this.active = {
        id,
        hooks,
        resolve: (outcome) => {
          hooks.signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject: (error) => {
          hooks.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      this.send({ type: 'job', id, job });
    });
  }

  private onMessage(message: FromWorker): void {
    const active = this.active;
    if (active === undefined || !('id' in message) || message.id !== active.id) return;
    if (message.type === 'epoch') {
      void this.answerEpoch(active, message.metrics);
      return;
    }
    if (message.type === 'progress') {
      active.hooks.onProgress?.(message.progress);
      return;
    }
    if (message.type !== 'result' && message.type !== 'failed') return;
    this.active = undefined;
    const worker = this.label;
    if (active.hookError !== undefined) active.reject(active.hookError);
    else if (message.type === 'result') active.resolve({ ok: true, result: message.result, worker });
    else active.resolve({ ok: false, cause: message.cause, error: message.error, worker });
    // A worker that leaked tensors or ran out of memory is not trusted with another job.
    if (message.leaked !== 0 || (message.type === 'failed' && message.cause === 'oom')) this.replace();
  }

  private async answerEpoch(active: ActiveJob, metrics: Parameters<NonNullable<RunHooks['onEpoch']>>[0]): Promise<void> {
    let verdict: 'continue' | 'prune' = 'continue';
    try {
      verdict = (await active.hooks.onEpoch?.(metrics)) ?? 'continue';
    } catch (error) {
      // Stop the training at once; the caller gets the hook's error when the worker answers.
      active.hookError = error;
      verdict = 'prune';
    }
    if (this.active === active) this.send({ type: 'verdict', id: active.id, epoch: metrics.epoch, verdict });
  }

  /** The current worker died: fail its job if it had one, and start another (also after an idle death). */
  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const active = this.active;
    this.active = undefined;
    if (active !== undefined) {
      const { cause, error } = causeOfExit(code, signal, this.stderrTail);
      active.resolve(this.failure(cause, error));
    }
    this.replace();
  }

  private failure(cause: FailureCause, error: string): TrainOutcome {
    return { ok: false, cause, error, worker: this.label };
  }

  private send(message: ToWorker): void {
    if (this.child?.connected) this.child.send(message);
  }

  /** Stops the current child (if alive) and starts a fresh one in its place. */
  private replace(): void {
    const old = this.child;
    if (!this.stopped) this.spawn();
    if (old !== undefined && old.exitCode === null && old.signalCode === null) old.kill('SIGKILL');
  }

  /** Stops the current child (if alive); the slot's next job starts another. */
  private discard(): void {
    const old = this.child;
    this.child = undefined;
    if (old !== undefined && old.exitCode === null && old.signalCode === null) old.kill('SIGKILL');
  }

  /** The pid of the current child (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
