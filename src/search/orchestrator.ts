import pLimit from 'p-limit';
import type { Diagnostics, Strategy } from '../controller/types.js';
import { describeArch, inferCost } from '../space/index.js';
import type { DecisionProcess, ProblemSpec } from '../space/types.js';
import type { ExperimentRecord, NewTrial, Store, TrialRecord, TrialResult } from '../store/index.js';
import { FINISHED_STATUSES } from '../store/index.js';
import type { EpochMetrics, EpochVerdict, HyperParams, TrainJob, TrainOutcome } from '../trainer/types.js';
import type { KillHook, KillPoint } from './kill-points.js';
import { medianVerdict } from './pruner.js';
import { rewardOf } from './reward.js';
import { summarise } from './summary.js';
import type { Evaluator, RunOptions, SearchConfig, SearchEvent, SearchProgress, SearchSummary, StopReason } from './types.js';

export interface StrategySource {
  create(): Strategy;
  restore(state: Uint8Array): Strategy;
}

export interface SearchDeps {
  store: Store;
  experiment: ExperimentRecord;
  config: SearchConfig;
  run: RunOptions;
  process: DecisionProcess;
  problem: ProblemSpec;
  strategies: StrategySource;
  evaluator: Evaluator;
  onEvent?: (event: SearchEvent) => void;
  /** Aborting it stops the search like Ctrl-C: running trials are cancelled and re-queued. */
  signal?: AbortSignal;
  killHook?: KillHook;
  /** The command that resumes this experiment (for messages). */
  resumeHint: string;
}

type Settled = TrialResult | null;

/**
 * Runs (or resumes) a search. Batches of proposals are recorded as queued trials with the strategy state that
 * proposed them; trials are evaluated concurrently and each result is committed as it arrives; when a batch has
 * all its results, the strategy learns from them in sequence order and its new state is committed with the
 * batch's last results. So the proposals never depend on timing, and a resume replays exactly.
 */
export async function runSearch(deps: SearchDeps): Promise<SearchSummary> {
  return new SearchRun(deps).run();
}

class SearchRun {
  private readonly store: Store;
  private readonly experimentId: number;
  private readonly config: SearchConfig;
  private readonly startedAt = Date.now();
  private readonly cancel = new AbortController();
  private stopReason: StopReason | null = null;
  private stopMessage: string | null = null;
  private consecutiveFailures = 0;
  private broken = false;
  private finished = 0;
  private readonly trainSeconds: number[] = [];

  constructor(private readonly deps: SearchDeps) {
    this.store = deps.store;
    this.experimentId = deps.experiment.id;
    this.config = deps.config;
  }

  async run(): Promise<SearchSummary> {
    const requeued = this.store.transaction(() => {
      this.store.experiments.setStatus(this.experimentId, 'running');
      return this.store.trials.requeueRunning(this.experimentId);
    });
    const existing = this.store.trials.list(this.experimentId);
    this.finished = existing.filter((t) => FINISHED_STATUSES.includes(t.status)).length;
    this.emit({
      type: 'start',
      experiment: this.deps.experiment.name,
      resumed: existing.length > 0,
      done: this.finished,
      target: this.config.trials,
      requeued,
      dbFile: this.store.file,
    });
    const onAbort = (): void => this.stop('interrupted', 'interrupted');
    this.deps.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.deps.signal?.aborted) onAbort();
    const strategy = this.loadStrategy();
    try {
      await this.loop(strategy);
    } finally {
      strategy.dispose();
      this.deps.signal?.removeEventListener('abort', onAbort);
    }
    return this.finish();
  }

  private async loop(strategy: Strategy): Promise<void> {
    for (;;) {
      const snapshot = this.store.controller.latestState(this.experimentId)!;
      let batchIndex = snapshot.batch;
      let batch: TrialRecord[];
      if (snapshot.phase === 'asked') {
        batch = this.store.trials.ofBatch(this.experimentId, batchIndex);
      } else {
        if (this.timeIsUp() || this.stopReason || snapshot.trialsConsumed >= this.config.trials) return;
        batchIndex = snapshot.phase === 'initial' ? 0 : snapshot.batch + 1;
        batch = this.propose(strategy, batchIndex, snapshot.trialsConsumed);
      }
      const held = await this.evaluate(batch);
      if (held === null) return;
      this.learn(strategy, batchIndex, held);
    }
  }

  private loadStrategy(): Strategy {
    const snapshot = this.store.controller.latestState(this.experimentId);
    if (snapshot) return this.deps.strategies.restore(snapshot.state);
    const strategy = this.deps.strategies.create();
    this.store.controller.saveState(this.experimentId, {
      batch: 0,
      phase: 'initial',
      trialsConsumed: 0,
      strategy: strategy.name,
      state: strategy.save(),
    });
    return strategy;
  }

  /** Asks the strategy for the next batch and records it, with the state that proposed it, in one transaction. */
  private propose(strategy: Strategy, batchIndex: number, consumed: number): TrialRecord[] {
    const size = Math.min(strategyBatchSize(strategy, this.config), this.config.trials - consumed);
    const proposals = strategy.ask(size);
    const trials: NewTrial[] = proposals.map((proposal, i) => {
      const seq = consumed + 1 + i;
      const candidate = this.deps.process.decode(proposal.decisions);
      const cost =
        candidate.kind === 'arch' ? inferCost(candidate.arch, this.deps.problem.input, this.deps.problem.classes) : undefined;
      return {
        seq,
        decisions: proposal.decisions,
        arch: candidate.arch,
        hash: this.deps.process.hash(proposal.decisions),
        hyper: hyperParamsFor(this.config, seq),
        params: cost?.params,
        macs: cost?.macs,
      };
    });
    const queued = this.store.queueBatch(this.experimentId, batchIndex, trials, {
      batch: batchIndex,
      phase: 'asked',
      trialsConsumed: consumed,
      strategy: strategy.name,
      state: strategy.save(),
    });
    this.kill('queued');
    return queued;
  }

  /**
   * Evaluates the unfinished trials of a batch. Returns the results held back for the batch commit (the last
   * ones to arrive), or null when the search stopped before the batch was complete.
   */
  private async evaluate(batch: TrialRecord[]): Promise<Map<number, TrialResult> | null> {
    const limit = pLimit(Math.max(1, this.deps.run.concurrency));
    const held = new Map<number, TrialResult>();
    let outstanding = batch.filter((t) => !FINISHED_STATUSES.includes(t.status)).length;
    const settle = (trial: TrialRecord, result: TrialResult): TrialResult => {
      outstanding -= 1;
      if (outstanding === 0) held.set(trial.id, result);
      else {
        this.store.trials.finish(trial.id, result);
        this.kill('result');
      }
      this.finished += 1;
      this.emitTrialEnd(trial, result);
      return result;
    };

    const firstInBatch = new Map<string, { seq: number; training: Promise<Settled> }>();
    const pending: Promise<Settled>[] = [];
    for (const trial of batch) {
      if (FINISHED_STATUSES.includes(trial.status)) continue;
      const earlier = this.store.trials.evaluatedByHash(this.experimentId, trial.hash, trial.seq);
      const sameBatch = firstInBatch.get(trial.hash);
      if (earlier) {
        pending.push(Promise.resolve(settle(trial, duplicateResult(earlier.seq, earlier))));
      } else if (sameBatch) {
        pending.push(sameBatch.training.then((result) => result && settle(trial, duplicateResult(sameBatch.seq, result))));
      } else {
        const training = limit(() => this.train(trial, settle));
        firstInBatch.set(trial.hash, { seq: trial.seq, training });
        pending.push(training);
      }
    }
    try {
      const settled = await Promise.all(pending);
      return settled.every((result) => result !== null) ? held : null;
    } catch (error) {
      // An internal error (not a failed trial): launch nothing more; what is committed stays resumable.
      this.broken = true;
      limit.clearQueue();
      throw error;
    }
  }

  private async train(trial: TrialRecord, settle: (t: TrialRecord, r: TrialResult) => TrialResult): Promise<Settled> {
    if (this.broken || this.stopReason || this.timeIsUp()) return null;
    this.store.trials.markRunning(trial.id);
    this.emit({
      type: 'trial-start',
      seq: trial.seq,
      trialId: trial.id,
      arch: typeof trial.arch === 'string' ? trial.arch : describeArch(trial.arch),
      hash: trial.hash,
      params: trial.params,
      epochs: trial.hyper.epochs,
      attempt: trial.attempts + 1,
    });
    this.kill('start');
    const started = Date.now();
    const outcome = await this.deps.evaluator.run(this.jobFor(trial), {
      onEpoch: (metrics) => this.onEpoch(trial, metrics),
      signal: this.cancel.signal,
    });
    // A Ctrl-C reaches the workers too: let our own signal handler run before judging a failed trial.
    if (!outcome.ok) await new Promise((resolve) => setImmediate(resolve));
    if (this.broken) return null;
    if (this.stopReason === 'interrupted') {
      this.store.trials.requeueRunning(this.experimentId);
      return null;
    }
    const seconds = (Date.now() - started) / 1000;
    const result = this.resultOf(trial, outcome, seconds);
    this.countFailure(result);
    if (result.status !== 'failed') this.trainSeconds.push(seconds);
    return settle(trial, result);
  }

  private onEpoch(trial: TrialRecord, metrics: EpochMetrics): EpochVerdict {
    this.store.trials.recordEpoch(trial.id, metrics);
    this.emit({ type: 'epoch', seq: trial.seq, trialId: trial.id, epochs: trial.hyper.epochs, progress: this.progress(), ...metrics });
    this.kill('epoch');
    if (this.config.prune !== 'median' || metrics.epoch >= trial.hyper.epochs) return 'continue';
    const earlier = this.store.trials.valAccAtEpoch(this.experimentId, metrics.epoch, trial.batch);
    return medianVerdict(metrics.valAcc, earlier, this.config.pruneMinTrials);
  }

  private resultOf(trial: TrialRecord, outcome: TrainOutcome, seconds: number): TrialResult {
    const failureReward = this.config.failureReward;
    if (!outcome.ok) {
      return { status: 'failed', reward: failureReward, error: `${outcome.cause}: ${outcome.error}`, worker: outcome.worker, durationSeconds: seconds };
    }
    const r = outcome.result;
    const metrics = {
      valAcc: r.valAcc,
      valLoss: r.valLoss,
      trainAcc: r.trainAcc,
      params: r.params ?? trial.params,
      epochsRun: r.epochs,
      durationSeconds: seconds,
      backend: r.backend,
      worker: outcome.worker,
    };
    if (r.status === 'nan' || !Number.isFinite(r.valAcc)) {
      return { ...metrics, status: 'failed', reward: failureReward, error: `the loss became NaN after epoch ${r.epochs}; training stopped` };
    }
    const reward = rewardOf(r.valAcc, trial.params ?? r.params, this.config);
    return { ...metrics, status: r.status, reward };
  }

  private countFailure(result: TrialResult): void {
    if (result.status !== 'failed') {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.config.maxConsecutiveFailures && this.stopReason === null) {
      this.stop(
        'failures',
        `${this.consecutiveFailures} consecutive trials failed; the last one: ${result.error}. ` +
          `Fix the cause (see 'nas trials --experiment ${this.deps.experiment.name}'), then resume.`,
      );
    }
  }

  /** The strategy learns from the batch in sequence order; its new state is committed with the last results. */
  private learn(strategy: Strategy, batchIndex: number, held: Map<number, TrialResult>): void {
    const batch = this.store.trials.ofBatch(this.experimentId, batchIndex);
    const feedback = batch.map((trial) => ({
      decisions: trial.decisions,
      reward: held.get(trial.id)?.reward ?? trial.reward ?? this.config.failureReward,
    }));
    const diagnostics: Diagnostics | null = strategy.tell(feedback);
    const consumed = batch[batch.length - 1]!.seq;
    this.store.commitBatch({
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
    const runSeconds = (Date.now() - this.startedAt) / 1000;
    const snapshot = this.store.controller.latestState(this.experimentId)!;
    const done = snapshot.phase !== 'asked' && snapshot.trialsConsumed >= this.config.trials;
    const status = this.stopReason === 'failures' ? 'failed' : done ? 'completed' : 'stopped';
    const message = done && this.stopReason !== 'failures' ? null : this.stopMessage;
    this.store.transaction(() => {
      this.store.experiments.setStatus(this.experimentId, status, message);
      this.store.experiments.addWallSeconds(this.experimentId, runSeconds);
    });
    const summary = summarise(this.store, this.experimentId, {
      target: this.config.trials,
      runSeconds,
      resumeHint: status === 'completed' ? null : this.deps.resumeHint,
    });
    this.emit({ type: 'end', summary });
    return summary;
  }

  private stop(reason: StopReason, message: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.stopMessage = message;
    if (reason === 'interrupted') this.cancel.abort();
    this.emit({ type: 'stopping', reason, message });
  }

  private timeIsUp(): boolean {
    const limit = this.deps.run.timeLimitSeconds;
    if (limit === undefined || (Date.now() - this.startedAt) / 1000 < limit) return false;
    this.stop('time-limit', `time limit of ${limit} s reached`);
    return true;
  }

  private jobFor(trial: TrialRecord): TrainJob {
    if (typeof trial.arch === 'string') throw new Error('cell architectures cannot be trained by the CNN trainer');
    const c = this.config;
    return {
      arch: trial.arch,
      hyper: trial.hyper,
      data: {
        dataset: c.dataset,
        dataDir: c.dataDir,
        labelMode: c.labelMode,
        valFraction: c.valFraction,
        trainLimit: c.trainLimit,
        valLimit: c.valLimit,
        splitSeed: c.seed,
        useTestSet: false,
      },
    };
  }

  private progress(): SearchProgress {
    const target = this.config.trials;
    const remaining = Math.max(0, target - this.finished);
    if (this.trainSeconds.length === 0) return { done: this.finished, target, etaSeconds: remaining === 0 ? 0 : null };
    const mean = this.trainSeconds.reduce((a, b) => a + b, 0) / this.trainSeconds.length;
    const byTrials = (mean * remaining) / Math.max(1, this.deps.run.concurrency);
    const limit = this.deps.run.timeLimitSeconds;
    // With a time limit, no trial starts after it: the search ends then, give or take the trials in flight.
    const byTime = limit === undefined ? Infinity : Math.max(0, limit - (Date.now() - this.startedAt) / 1000) + mean;
    return { done: this.finished, target, etaSeconds: Math.min(byTrials, byTime) };
  }

  private emitTrialEnd(trial: TrialRecord, result: TrialResult): void {
    this.emit({
      type: 'trial-end',
      seq: trial.seq,
      trialId: trial.id,
      status: result.status,
      reward: result.reward,
      valAcc: result.valAcc ?? null,
      params: result.params ?? trial.params,
      seconds: result.durationSeconds ?? null,
      error: result.error ?? null,
      duplicateOf: result.duplicateOf ?? null,
      progress: this.progress(),
    });
  }

  private emit(event: SearchEvent): void {
    this.deps.onEvent?.(event);
  }

  private kill(point: KillPoint): void {
    this.deps.killHook?.(point);
  }
}

/** How many proposals the strategy learns from at once (its batch size), at least 1. */
function strategyBatchSize(strategy: Strategy, config: SearchConfig): number {
  const own = (strategy as Partial<{ batchSize: number }>).batchSize;
  const configured = config.strategyOptions.batchSize;
  const size = typeof own === 'number' ? own : typeof configured === 'number' ? configured : 1;
  return Math.max(1, Math.floor(size));
}

interface OriginalResult {
  reward: number | null;
  valAcc?: number | null;
  valLoss?: number | null;
  trainAcc?: number | null;
  params?: number | null;
}

function duplicateResult(originalSeq: number, original: OriginalResult): TrialResult {
  return {
    status: 'duplicate',
    reward: original.reward ?? 0,
    valAcc: original.valAcc ?? null,
    valLoss: original.valLoss ?? null,
    trainAcc: original.trainAcc ?? null,
    params: original.params ?? null,
    duplicateOf: originalSeq,
    epochsRun: 0,
    durationSeconds: 0,
  };
}

/** Every trial trains with the experiment's hyperparameters and its own seed (same seq, same seed on a re-run). */
export function hyperParamsFor(
  config: Pick<SearchConfig, 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'seed'>,
  seq: number,
): HyperParams {
  return {
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    optimizer: config.optimizer,
    schedule: 'constant',
    labelSmoothing: 0,
    weightDecay: 0,
    earlyStoppingPatience: 0,
    augment: false,
    seed: (config.seed * 7919 + seq) % 2147483647,
  };
}
