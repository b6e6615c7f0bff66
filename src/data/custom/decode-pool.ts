/**
 * Decodes (or reads the headers of) a list of image files in batches, in this process for a few hundred files and
 * in worker processes, one per core, for more; batches go to whichever worker is free, and come back in order.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { decodeBatch, type DecodeBatch, type DecodedBatch, type DecodeTarget, type FileOutcome } from './decode.js';

const BATCH = 200;
/** Below this many files a worker process (about 0.2 s to start) costs more than it saves. */
const IN_PROCESS_UP_TO = 1000;

export interface DecodeAll {
  outcomes: FileOutcome[];
  /** decode mode: every file's pixels back to back, in the order of `files`. */
  pixels?: Uint8Array;
  /** probe mode: the small images at their own size and type (see decode.ts). */
  natural?: (Uint8Array | null)[];
  digests: string[];
}

export async function decodeFiles(
  files: string[],
  job: { mode: DecodeBatch['mode']; target?: DecodeTarget; pixelLimit: number },
  onProgress?: (done: number, total: number) => void,
): Promise<DecodeAll> {
  const size = job.target ? job.target.height * job.target.width * job.target.channels : 0;
  const all: DecodeAll = { outcomes: new Array(files.length), digests: new Array(files.length) };
  if (job.mode === 'decode') all.pixels = new Uint8Array(files.length * size);
  else all.natural = new Array(files.length);
  const place = (start: number, result: DecodedBatch): void => {
    result.outcomes.forEach((outcome, i) => (all.outcomes[start + i] = outcome));
    result.digests.forEach((digest, i) => (all.digests[start + i] = digest));
    result.natural?.forEach((pixels, i) => (all.natural![start + i] = pixels));
    if (result.pixels) all.pixels!.set(result.pixels, start * size);
  };
  const starts = Array.from({ length: Math.ceil(files.length / BATCH) }, (_, i) => i * BATCH);
  const workers = files.length <= IN_PROCESS_UP_TO ? 0 : Math.min(os.availableParallelism(), starts.length);
  const runners = workers === 0 ? [inProcess()] : Array.from({ length: workers }, () => workerProcess());
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      runners.map(async (run) => {
        while (next < starts.length) {
          const start = starts[next++]!;
          place(start, await run({ ...job, files: files.slice(start, start + BATCH) }));
          done += Math.min(BATCH, files.length - start);
          onProgress?.(done, files.length);
        }
      }),
    );
  } finally {
    await Promise.all(runners.map((run) => run.close()));
  }
  return all;
}

type Runner = ((batch: DecodeBatch) => Promise<DecodedBatch>) & { close: () => Promise<void> };

function inProcess(): Runner {
  return Object.assign((batch: DecodeBatch) => decodeBatch(batch), { close: async () => {} });
}

function workerProcess(): Runner {
  const child: ChildProcess = fork(new URL('./decode-worker.js', import.meta.url), [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let id = 0;
  const pending = new Map<number, { resolve: (result: DecodedBatch) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error): void => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on('message', (message: { id: number; result?: DecodedBatch; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.result) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`image decoder: ${message.error}`));
  });
  child.on('error', (error) => failAll(error));
  child.on('exit', (code, signal) => failAll(new Error(`image decoder process ended (${signal ?? `exit code ${code}`})`)));
  const run = (batch: DecodeBatch): Promise<DecodedBatch> =>
    new Promise((resolve, reject) => {
      const messageId = ++id;
      pending.set(messageId, { resolve, reject });
      child.send({ id: messageId, batch });
    });
  // Waits for the worker to end, so that no decoder outlives the load (and its CPU time is its load's).
  const close = async (): Promise<void> => {
    if (child.connected) child.disconnect();
    await exited;
  };
  return Object.assign(run, { close });
}
