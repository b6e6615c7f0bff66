import { FixedListStrategy } from '../controller/fixed.js';
import type { Evaluator } from '../evaluation/types.js';
import { runSearch, trialCount } from '../search/index.js';
import type { SearchDeps, SearchEvent, SearchSummary } from '../search/index.js';
import { ConfigError } from '../errors.js';
import type { ExperimentRecord, Store, TrialRecord } from '../store/index.js';
import { createExperiment } from './experiment.js';
import type { SearchConfig } from './options/index.js';

/** The experiment that retrains a shared-weight search's best: its name is the search's with this suffix. */
export const RETRAIN_SUFFIX = '-retrain';

/** What both phases are run with: the deps of a standard search of an experiment, and the two evaluators. */
export interface SharedPhases {
  store: Store;
  /** The search deps for an experiment and its config (the evaluator and policies as a standard search has them). */
  depsFor: (experiment: ExperimentRecord, config: SearchConfig) => SearchDeps;
  sharedEvaluator: (experiment: ExperimentRecord, config: SearchConfig) => Promise<Evaluator>;
  trainingEvaluator: Evaluator;
  timeLimitSeconds?: number;
}

/**
 * `--evaluator shared`: the search scores proposals on shared weights (phase 1, this experiment), then its top
 * --retrain-top distinct architectures train from scratch as ordinary trials of the experiment NAME-retrain
 * (phase 2), which `nas best` and `nas replay` read like any other. The database says which phase a resume is in:
 * phase 1 is over once its experiment is completed.
 */
export async function runSharedSearch(phases: SharedPhases, experiment: ExperimentRecord, config: SearchConfig): Promise<SearchSummary> {
  const { store } = phases;
  const parent = config.evaluator === 'retrain' ? parentOf(store, experiment) : experiment;
  const parentConfig = parent.config as unknown as SearchConfig;
  const started = Date.now();
  if (parent.status !== 'completed') {
    const shareSeconds = phases.timeLimitSeconds === undefined ? undefined : phases.timeLimitSeconds * parentConfig.sharedTimeShare;
    const evaluator = await phases.sharedEvaluator(parent, parentConfig);
    let stoppedBy: string | null = null;
    const base = phases.depsFor(parent, parentConfig);
    // Phase 1 ending at its share of the time limit is done, not stopped: say so before the summary is printed.
    const onEvent = (event: SearchEvent) => {
      if (event.type === 'stopping') stoppedBy = event.reason;
      if (event.type === 'end' && stoppedBy === 'time-limit') {
        const message = `the shared-weight phase ended at its share of the time limit, after ${event.summary.finished} trials; retraining the best next`;
        store.experiments.setStatus(parent.id, 'completed', message);
        event = { ...event, summary: { ...event.summary, status: 'completed', message, resumeHint: null } };
      }
      base.onEvent?.(event);
    };
    try {
      const summary = await runSearch({ ...base, evaluator, concurrency: 1, onEvent, policies: { ...base.policies, dedup: false, timeLimitSeconds: shareSeconds } });
      if (summary.status !== 'completed' && stoppedBy !== 'time-limit') return summary;
    } finally {
      await evaluator.close();
    }
  }
  const left = phases.timeLimitSeconds === undefined ? undefined : Math.max(1, phases.timeLimitSeconds - (Date.now() - started) / 1000);
  return retrain(phases, store.experiments.byId(parent.id)!, parentConfig, left);
}

/** Phase 2: the best distinct architectures of the shared-weight phase, trained from scratch. */
async function retrain(phases: SharedPhases, parent: ExperimentRecord, parentConfig: SearchConfig, timeLimitSeconds: number | undefined): Promise<SearchSummary> {
  const { store } = phases;
  const chosen = bestDistinct(store.trials.list(parent.id), parentConfig.retrainTop);
  const config: SearchConfig = { ...parentConfig, evaluator: 'retrain', trials: chosen.length };
  const name = `${parent.name}${RETRAIN_SUFFIX}`;
  const child = store.experiments.byName(name) ?? createExperiment(store, name, config, store.experiments.backendOf(parent.id) ?? undefined);
  const base = phases.depsFor(child, config);
  const list = chosen.map((trial) => trial.decisions);
  return runSearch({
    ...base,
    evaluator: phases.trainingEvaluator,
    strategies: { create: () => new FixedListStrategy(config.strategy, list), restore: (state) => new FixedListStrategy(config.strategy, list, state) },
    policies: { ...base.policies, target: trialCount(list.length), timeLimitSeconds },
  });
}

/**
 * The `count` distinct architectures with the best shared-weight scores, judged on the later half of the phase (the
 * scores of the first trials come from weights that had barely trained); an architecture scored more than once
 * counts with its latest score.
 */
export function bestDistinct(trials: readonly TrialRecord[], count: number): TrialRecord[] {
  const scored = trials.filter((t) => t.status === 'completed' && t.valAcc !== null);
  const lastSeq = Math.max(0, ...scored.map((t) => t.seq));
  const latest = new Map<string, TrialRecord>();
  for (const trial of scored) if (trial.seq > lastSeq / 2) latest.set(trial.hash, trial);
  return [...latest.values()].sort((a, b) => b.valAcc! - a.valAcc! || a.seq - b.seq).slice(0, count);
}

function parentOf(store: Store, child: ExperimentRecord): ExperimentRecord {
  const parent = child.name.endsWith(RETRAIN_SUFFIX) ? store.experiments.byName(child.name.slice(0, -RETRAIN_SUFFIX.length)) : undefined;
  if (!parent) throw new ConfigError(`experiment '${child.name}' retrains a shared-weight search that is not in this database`);
  return parent;
}
