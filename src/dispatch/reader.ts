/**
 * Reads the experiment's report stream (`nas:x:EXP:up`) on a connection of its own, blocking up to a second
 * at a time, and trims what it has read. The stream is a notification channel: a message it misses (Redis
 * restarted without its data, the reader just started) costs latency only, since the dispatcher's poll reads
 * the same facts from the jobs themselves.
 */
import type { Redis } from 'ioredis';
import { KEY_TTL_SECONDS } from './keys.js';

const BLOCK_MS = 1000;
const BATCH = 500;
/** Trim what was read every this many messages. */
const TRIM_EVERY = 1000;

export class StreamReader {
  private lastId = '0-0';
  private stopped = false;
  private sinceTrim = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly onMessage: (text: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts reading from about now (a second back: what came just before is harmless to see twice). */
  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client.disconnect();
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      const [seconds] = await this.client.time();
      this.lastId = `${Number(seconds) * 1000 - 1000}-0`;
    } catch (error) {
      if (this.stopped) return;
      this.onError(error);
    }
    while (!this.stopped) {
      try {
        const reply = (await this.client.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, this.lastId)) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            const text = fields[1];
            if (text !== undefined) this.onMessage(text);
          }
          this.sinceTrim += entries.length;
        }
        if (this.sinceTrim >= TRIM_EVERY) await this.trim();
      } catch (error) {
        if (this.stopped) return;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async trim(): Promise<void> {
    this.sinceTrim = 0;
    await this.client.multi().xtrim(this.key, 'MINID', this.lastId).expire(this.key, KEY_TTL_SECONDS).exec();
  }
}
