import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Strategy } from '../controller/types.js';
import { candidateCost } from '../space/index.js';
import { FINISHED_STATUSES, newLeaseHolder, type NewTrial, type TrialRecord, type TrialResult } from '../store/index.js';
import { evaluateBatch } from './batch.js';
import type { RunContext } from './context.js';
import { LeaseKeeper } from './lease-keeper.js';
import { ProgressTracker } from './policies/progress.js';
import { StopConditions } from './policies/stop.js';
import { summarise } from './summary.js';
import type { KillPoint, SearchDeps, SearchEvent, SearchSummary } from './types.js';

const DEFAULT_LEASE_MS = 30_000;

/**
 * Runs (or resumes) a search. Batches of proposals are recorded as queued trials with the strategy state that
 * proposed them; trials are evaluated concurrently and each result is committed as it arrives; when a batch has
 * all its results, the strategy learns from them in sequence order and its new state is committed with the
 * batch's last results. So the proposals never depend on timing, and a resume continues exactly.
 */
export async function runSearch(deps: SearchDeps): Promise<SearchSummary> {
  return new SearchRun(deps).run();
}

class SearchRun implements RunContext {
  readonly stops: StopConditions;
  readonly progress: ProgressTracker;
  readonly leases: LeaseKeeper;
  broken = false;
  private readonly experimentId: number;

  constructor(readonly deps: SearchDeps) {
    this.experimentId = deps.experiment.id;
    this.stops = new StopConditions(deps.policies.timeLimitSeconds, (reason, message) => this.emit({ type: 'stopping', reason, message }));
    this.progress = new ProgressTracker(0, deps.policies.target.total, deps.concurrency, () => this.stops.secondsLeft);
    this.leases = new LeaseKeeper(deps.store, newLeaseHolder(), deps.leaseMs ?? DEFAULT_LEASE_MS);
  }

  async run(): Promise<SearchSummary> {
    const { store } = this.deps;
    const requeued = store.transaction(() => {
      store.experiments.setStatus(this.experimentId, 'running');
      return store.trials.reclaimLapsed(this.experimentId);
    });
    const existing = store.trials.list(this.experimentId);
    this.progress.done = existing.filter((t) => FINISHED_STATUSES.includes(t.status)).length;
    this.emit({
      type: 'start',
      experiment: this.deps.experiment.name,
      resumed: existing.length > 0,
      done: this.progress.done,
      target: this.deps.policies.target.total,
      requeued,
      dbFile: store.file,
      timeLimitSeconds: this.deps.policies.timeLimitSeconds ?? null,
    });
    const unfollow = this.stops.follow(this.deps.signal);
    const strategy = this.loadStrategy();
    try {
      await this.loop(strategy);
    } finally {
      strategy.dispose();
      unfollow();
      this.leases.stop();
    }
    return this.finish();
  }

  private async loop(strategy: Strategy): Promise<void> {
    const { store } = this.deps;
    for (;;) {
      // A batch of duplicates of stored trials settles with no I/O at all: without this, such batches follow one
      // another in one macrotask, and a Ctrl-C (like every timer and I/O callback) waits for a batch with a trial
      // to train, or for the end of the search.
      await nextMacrotask();
      const snapshot = store.controller.latestState(this.experimentId)!;
      let batchIndex = snapshot.batch;
      let batch: TrialRecord[];
      if (snapshot.phase === 'asked') {
        batch = store.trials.ofBatch(this.experimentId, batchIndex);
      } else {
        if (this.stops.shouldStop()) return;
        batchIndex = snapshot.phase === 'initial' ? 0 : snapshot.batch + 1;
        const proposed = this.propose(strategy, batchIndex, snapshot.trialsConsumed);
        if (proposed === null) return;
        batch = proposed;
      }
      const held = await evaluateBatch(this, batch);
      if (held === null) return;
      this.learn(strategy, batchIndex, held);
    }
  }

  private loadStrategy(): Strategy {
    const { store, strategies } = this.deps;
    const snapshot = store.controller.latestState(this.experimentId);
    if (snapshot) return strategies.restore(snapshot.state);
    const strategy = strategies.create();
    store.controller.saveState(this.experimentId, { batch: 0, phase: 'initial', trialsConsumed: 0, strategy: strategy.name, state: strategy.save() });
    return strategy;
  }

  /**
   * Asks the strategy for the next batch and records it, with the state that proposed it, in one transaction.
   * Null when the target is reached.
   */
  private propose(strategy: Strategy, batchIndex: number, consumed: number): TrialRecord[] | null {
    const { store, process, policies } = this.deps;
    const soFar = store.trials.list(this.experimentId);
    const size = policies.target.nextBatch(soFar, Math.max(1, Math.floor(strategy.batchSize)));
    if (size <= 0) return null;
    const proposed = strategy.ask(size).map((proposal) => ({ decisions: proposal.decisions, hash: process.hash(proposal.decisions) }));
    const admitted = proposed.slice(0, policies.target.admit(proposed, soFar));
    const trials: NewTrial[] = admitted.map(({ decisions, hash }, i) => {
      const seq = consumed + 1 + i;
      const candidate = process.decode(decisions);
      const budget = { epochs: this.deps.budget.epochs, seed: this.deps.seedOf(seq) };
      return { seq, decisions, arch: candidate.arch, hash, budget, ...candidateCost(candidate, this.deps.problem) };
    });
    const state = { batch: batchIndex, phase: 'asked' as const, trialsConsumed: consumed, strategy: strategy.name, state: strategy.save() };
    const queued = store.queueBatch(this.experimentId, batchIndex, trials, state);
    this.kill('queued');
    return queued;
  }

  /** The strategy learns from the batch in sequence order; its new state is committed with the last results. */
  private learn(strategy: Strategy, batchIndex: number, held: Map<number, TrialResult>): void {
    const { store } = this.deps;
    const batch = store.trials.ofBatch(this.experimentId, batchIndex);
    const failureReward = this.deps.policies.failures.reward;
    const feedback = batch.map((trial) => ({ decisions: trial.decisions, reward: held.get(trial.id)?.reward ?? trial.reward ?? failureReward }));
    const diagnostics = strategy.tell(feedback);
    const consumed = batch[batch.length - 1]!.seq;
    store.commitBatch({
      experimentId: this.experimentId,
      batch: batchIndex,
      results: [...held].map(([trialId, result]) => ({ trialId, result })),
      diagnostics,
      snapshot: { batch: batchIndex, phase: 'told', trialsConsumed: consumed, strategy: strategy.name, state: strategy.save() },
      beforeCommit: () => this.kill('commit'),
    });
    this.kill('told');
    if (diagnostics) this.emit({ type: 'update', batch: batchIndex, trialsConsumed: consumed, diagnostics });
  }

  private finish(): SearchSummary {
    const { store } = this.deps;
    const runSeconds = this.stops.elapsedSeconds;
    const snapshot = store.controller.latestState(this.experimentId)!;
    const reachedTarget = snapshot.phase !== 'asked' && this.deps.policies.target.nextBatch(store.trials.list(this.experimentId), 1) === 0;
    const failed = this.stops.reason === 'failures';
    const status = failed ? 'failed' : reachedTarget ? 'completed' : 'stopped';
    const message = reachedTarget && !failed ? null : this.stops.message;
    store.transaction(() => {
      store.experiments.setStatus(this.experimentId, status, message);
      store.experiments.addWallSeconds(this.experimentId, runSeconds);
    });
    const resumeHint = status === 'completed' ? null : this.deps.resumeHint;
    const summary = summarise(store, this.experimentId, { target: this.deps.policies.target.total, runSeconds, resumeHint });
    this.emit({ type: 'end', summary });
    return summary;
  }

  emit(event: SearchEvent): void {
    this.deps.onEvent?.(event);
  }

  kill(point: KillPoint): void {
    this.deps.killHook?.(point);
  }
}
