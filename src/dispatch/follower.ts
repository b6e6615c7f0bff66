/**
 * The orchestrator's side of one evaluation sent through the queue: it follows whichever runs of its job report
 * (a job may run twice: at-least-once delivery), hands each epoch to the search exactly once and in order,
 * answers every run's epoch with the one verdict the search gave, and settles the evaluation with the first
 * result. Everything after that (a second run's result, a late message) is ignored. No Redis here: the
 * dispatcher feeds it messages and sends the verdicts it asks for.
 */
import type { EpochReport, EpochVerdict, EvaluationHooks, EvaluationOutcome, EvaluationRequest } from '../evaluation/types.js';
import type { JobResult } from './protocol.js';

export type SendVerdict = (job: string, epoch: number, verdict: EpochVerdict, run: string | null) => void;

export class TrialFollower {
  /** The job this evaluation follows (its own attempt's, or an earlier attempt's it re-attached to). */
  jobId = '';
  /** The run that reported last (progress and verdict wake-ups go to it). */
  lastRun: string | null = null;
  /** An epoch came past a gap: the job's epoch log should be replayed (the dispatcher's poll does it). */
  heldBack = false;
  /** Its job is being looked up or queued (the dispatcher's polls skip it until the job exists). */
  binding = false;
  readonly outcome: Promise<EvaluationOutcome>;
  private settledWith: EvaluationOutcome | null = null;
  private resolveOutcome!: (outcome: EvaluationOutcome) => void;
  private rejectOutcome!: (error: unknown) => void;
  private recorded = 0;
  private readonly verdicts = new Map<number, EpochVerdict>();
  /** Epoch and result handling, one at a time and in arrival order (the search's hook is async). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly request: EvaluationRequest,
    private readonly hooks: EvaluationHooks,
    private readonly sendVerdict: SendVerdict,
  ) {
    this.outcome = new Promise((resolve, reject) => {
      this.resolveOutcome = resolve;
      this.rejectOutcome = reject;
    });
    // The search awaits the outcome; a rejection nobody awaits yet must not crash the process meanwhile.
    this.outcome.catch(() => undefined);
  }

  get settled(): boolean {
    return this.settledWith !== null;
  }

  /** Epochs the search has recorded for this evaluation. */
  get epochsRecorded(): number {
    return this.recorded;
  }

  /**
   * An epoch from a run of the job. The next epoch goes to the search (its verdict is kept); an epoch already
   * recorded (another run, a replay) is answered with the kept verdict; one past a gap waits for its
   * predecessors (they come with a replay or the result), so the search never records epochs out of order.
   */
  epoch(run: string | null, report: EpochReport): void {
    if (run !== null) this.lastRun = run;
    this.enqueue(async () => {
      if (report.epoch > this.recorded + 1) {
        this.heldBack = true;
        return;
      }
      const verdict = report.epoch === this.recorded + 1 ? await this.record(report) : (this.verdicts.get(report.epoch) ?? 'continue');
      if (report.epoch < this.request.budget.epochs && !this.settled) this.sendVerdict(this.jobId, report.epoch, verdict, run);
    });
  }

  /** A run's result: its epochs not yet recorded are recorded first, then the evaluation settles (first result wins; `ignored` hears of a later one). */
  result(result: Exclude<JobResult, { skipped: string }>, ignored?: () => void): void {
    this.enqueue(async () => {
      if (this.settled) return ignored?.();
      for (const report of result.epochs) if (report.epoch === this.recorded + 1) await this.record(report);
      this.settle(result.outcome);
    });
  }

  /** Settles without a result from a worker (the queue gave up on the job, or the search stopped). */
  fail(error: string): void {
    this.enqueue(async () => this.settle({ status: 'failed', error, worker: null }));
  }

  /** Settles at once, ahead of anything queued (Ctrl-C). */
  abandon(error: string): void {
    this.settle({ status: 'failed', error, worker: null });
  }

  /** Sends every kept verdict again (after the job was lost and queued anew, or Redis lost them). */
  resendVerdicts(): void {
    for (const [epoch, verdict] of this.verdicts) {
      if (epoch < this.request.budget.epochs) this.sendVerdict(this.jobId, epoch, verdict, this.lastRun);
    }
  }

  progress(run: string, report: Parameters<NonNullable<EvaluationHooks['onProgress']>>[0]): void {
    if (!this.settled) this.hooks.onProgress?.(report);
    this.lastRun = run;
  }

  private async record(report: EpochReport): Promise<EpochVerdict> {
    const verdict = (await this.hooks.onEpoch?.(report)) ?? 'continue';
    this.recorded = report.epoch;
    this.verdicts.set(report.epoch, verdict);
    return verdict;
  }

  private settle(outcome: EvaluationOutcome): void {
    if (this.settledWith !== null) return;
    this.settledWith = outcome;
    this.resolveOutcome(outcome);
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      // The search's own hook failed (its database, say): the evaluation fails with that error, as in the pool.
      if (this.settledWith === null) {
        this.settledWith = { status: 'failed', error: String(error), worker: null };
        this.rejectOutcome(error);
      }
    });
  }
}
