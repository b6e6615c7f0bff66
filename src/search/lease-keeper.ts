import { retireLeaseHolder, type LeaseHolder, type Store } from '../store/index.js';

/** Renews this search's trial leases while it runs, so that no other process takes its trials back. */
export class LeaseKeeper {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    readonly holder: LeaseHolder,
    readonly ttlMs: number,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(1, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  /** A poll interval for waiting on another holder's lease. */
  get pollMs(): number {
    return Math.min(1000, Math.max(1, Math.floor(this.ttlMs / 3)));
  }

  /** Stops renewing; whatever this search still holds lapses at once for the next search in this process. */
  stop(): void {
    clearInterval(this.timer);
    retireLeaseHolder(this.holder);
  }

  private renew(): void {
    try {
      this.store.trials.renew(this.holder, this.ttlMs);
    } catch {
      // A renewal that fails (a busy or full disk) is retried at the next tick; the lease outlives one miss.
    }
  }
}
