/**
 * A worker's wait for the orchestrator's verdict on an epoch (pruning): it reads the verdict key, and between
 * reads blocks on its run's wake-up list (the orchestrator pushes to it with each verdict), a second at most.
 * It also stops when the trial is settled (another run's result came first), when its run is stopped (Ctrl-C,
 * lost lock), or when no orchestrator has been alive for `orphanMs`: the job is then given back, marked so that
 * a resumed orchestrator queues it again rather than fail the trial.
 */
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EpochVerdict } from '../evaluation/types.js';
import { keys } from './keys.js';
import { REQUEUE_MARK } from './protocol.js';
import type { ValidJob } from './validate.js';

const ALIVE_CHECK_MS = 5000;
const BLOCK_SECONDS = 1;

export class VerdictWaiter {
  private blocking: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly job: ValidJob,
    private readonly run: string,
    private readonly controller: AbortController,
    private readonly orphanMs: number,
  ) {
    controller.signal.addEventListener('abort', () => this.blocking?.disconnect(), { once: true });
  }

  /** The verdict on `epoch`; 'prune' when the run is stopped meanwhile (its controller says why). */
  async wait(epoch: number): Promise<EpochVerdict> {
    let checkedAlive = Date.now();
    let goneSince: number | null = null;
    for (;;) {
      if (this.controller.signal.aborted) return 'prune';
      const [verdict, settled] = await this.redis.mget(keys.verdict(this.job.id, epoch), keys.settled(this.job.id));
      if (settled !== null) {
        this.controller.abort('settled');
        return 'prune';
      }
      if (verdict === 'continue' || verdict === 'prune') return verdict;
      const now = Date.now();
      if (now - checkedAlive >= ALIVE_CHECK_MS) {
        checkedAlive = now;
        const alive = (await this.redis.exists(keys.alive(this.job.experiment.key))) > 0;
        goneSince = alive ? null : (goneSince ?? now);
        if (goneSince !== null && now - goneSince >= this.orphanMs) {
          const seconds = Math.round((now - goneSince) / 1000);
          throw new UnrecoverableError(`${REQUEUE_MARK} no orchestrator of experiment '${this.job.experiment.name}' answered for ${seconds} s: the job is given back for a resume`);
        }
      }
      await this.block();
    }
  }

  close(): void {
    this.blocking?.disconnect();
  }

  private async block(): Promise<void> {
    if (this.blocking === undefined) {
      this.blocking = this.redis.duplicate();
      this.blocking.on('error', () => undefined);
    }
    try {
      await this.blocking.blpop(keys.wake(this.run), BLOCK_SECONDS);
    } catch {
      if (!this.controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
