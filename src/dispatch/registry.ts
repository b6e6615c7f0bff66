/**
 * Who is connected: each `nas worker` writes its record (`nas:w:ID`, listed in the set `nas:workers`) every
 * few seconds with a time to live of three beats, so a worker that died drops out by itself. `nas workers`
 * reads them.
 */
import type { Redis } from 'ioredis';
import { connectOnce } from './connection.js';
import { keys } from './keys.js';

export const HEARTBEAT_MS = 5000;
const TTL_MS = 3 * HEARTBEAT_MS;

export interface WorkerTrial {
  experiment: string;
  seq: number;
  trialId: number;
  attempt: number;
  /** Epochs done, of `epochs`. */
  epoch: number;
  epochs: number;
  /** When this run of the trial started (epoch ms). */
  since: number;
}

export interface WorkerRecord {
  id: string;
  name: string;
  host: string;
  pid: number;
  /** What trains, e.g. 'wasm (auto) on the CPU, 2 threads per worker, 1 worker at most'. */
  backend: string;
  gpus: string[];
  /** Trials it trains at once. */
  concurrency: number;
  state: 'running' | 'draining' | 'handing back';
  startedAt: number;
  heartbeatAt: number;
  trials: WorkerTrial[];
}

/** A worker's record, written now and every HEARTBEAT_MS until stop(). */
export class Registration {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly record: () => Omit<WorkerRecord, 'heartbeatAt'>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Writes the record now (after a change of trials or state). */
  beat(): void {
    const record: WorkerRecord = { ...this.record(), heartbeatAt: Date.now() };
    this.redis
      .multi()
      .set(keys.worker(record.id), JSON.stringify(record), 'PX', TTL_MS)
      .sadd(keys.workers, record.id)
      .exec()
      .catch(this.onError);
  }

  async stop(id: string): Promise<void> {
    clearInterval(this.timer);
    await Promise.race([
      this.redis.multi().del(keys.worker(id)).srem(keys.workers, id).exec().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
  }
}

/** The workers whose heartbeat is current, by name; records of workers gone are dropped from the set. */
export async function listWorkers(url: string): Promise<WorkerRecord[]> {
  const redis = await connectOnce(url, 'nas-workers');
  try {
    const ids = await redis.smembers(keys.workers);
    if (ids.length === 0) return [];
    const texts = await redis.mget(ids.map((id) => keys.worker(id)));
    const gone = ids.filter((_, i) => texts[i] === null);
    if (gone.length > 0) await redis.srem(keys.workers, ...gone);
    return texts
      .flatMap((text) => (text === null ? [] : [parseRecord(text)]))
      .filter((record): record is WorkerRecord => record !== null)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  } finally {
    redis.disconnect();
  }
}

function parseRecord(text: string): WorkerRecord | null {
  try {
    const value = JSON.parse(text) as WorkerRecord;
    return typeof value.id === 'string' && typeof value.name === 'string' && Array.isArray(value.trials) ? value : null;
  } catch {
    return null;
  }
}
