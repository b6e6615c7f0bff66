import type { StopReason } from '../types.js';

/**
 * Why the search stops launching trials: Ctrl-C (its signal), the time limit, or the failure policy. The first
 * reason wins; an interruption also cancels the trials in flight.
 */
export class StopConditions {
  reason: StopReason | null = null;
  message: string | null = null;
  private readonly cancel = new AbortController();
  private readonly startedAt = Date.now();

  constructor(
    private readonly timeLimitSeconds: number | undefined,
    private readonly onStop: (reason: StopReason, message: string) => void,
  ) {}

  /** Cancels the evaluations in flight (after Ctrl-C). */
  get cancelled(): AbortSignal {
    return this.cancel.signal;
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** Seconds left under the time limit (Infinity without one). */
  get secondsLeft(): number {
    return this.timeLimitSeconds === undefined ? Infinity : Math.max(0, this.timeLimitSeconds - this.elapsedSeconds);
  }

  /** True when no further trial may start: stopped already, or the time limit has just been reached. */
  shouldStop(): boolean {
    if (this.reason !== null) return true;
    if (this.secondsLeft > 0) return false;
    this.stop('time-limit', `time limit of ${Math.round(this.timeLimitSeconds!)} s reached`);
    return true;
  }

  stop(reason: StopReason, message: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.message = message;
    if (reason === 'interrupted') this.cancel.abort();
    this.onStop(reason, message);
  }

  /** Stops like Ctrl-C when `signal` aborts; returns the function that stops listening. */
  follow(signal: AbortSignal | undefined): () => void {
    const onAbort = (): void => this.stop('interrupted', 'interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    return () => signal?.removeEventListener('abort', onAbort);
  }
}
