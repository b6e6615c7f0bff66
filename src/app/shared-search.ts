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
 * (phase 2), which `nas best` and `nas replay` read like any other. Under a time limit the retraining goes on down
 * the ranking until the limit. The database says which phase a resume is in: phase 1 is over once its experiment
 * is completed.
 */
export async function runSharedSearch(phases: SharedPhases, experiment: ExperimentRecord, config: SearchConfig): Promise<SearchSummary> {
  const { store } = phases;
  const parent = config.evaluator === 'retrain' ? parentOf(store, experiment) : experiment;
  const parentConfig = parent.config as unknown as SearchConfig;
  const started = Date.now();
  if (parent.status !== 'completed') {
    const shareSeconds = phases.timeLimitSeconds === undefined ? undefined : phases.timeLimitSeconds * parentConfig.sharedTimeShare;
    const evaluator = await phases.sharedEvaluator(parent, parentConfig);
    const base = phases.depsFor(parent, parentConfig);
    const onEvent = doneAtTimeLimit(store, parent, base.onEvent, (summary) =>
      `the shared-weight phase ended at its share of the time limit, after ${summary.finished} trials; retraining the best next`);
    try {
      const summary = await runSearch({ ...base, evaluator, concurrency: 1, onEvent, policies: { ...base.policies, dedup: false, timeLimitSeconds: shareSeconds } });
      // Done when it reached its target, or when the time limit ended it (doneAtTimeLimit stored it as completed).
      if (store.experiments.byId(parent.id)!.status !== 'completed') return summary;
    } finally {
      await evaluator.close();
    }
  }
  const left = phases.timeLimitSeconds === undefined ? undefined : Math.max(1, phases.timeLimitSeconds - (Date.now() - started) / 1000);
  return retrain(phases, store.experiments.byId(parent.id)!, parentConfig, left);
}

/**
 * Phase 2: the best distinct architectures of the shared-weight phase, trained from scratch: the top --retrain-top,
 * and under a time limit as many more down the ranking as the limit allows (the shared-weight ranking is rough, so
 * time left is better spent training the next ones than idle). A completed retraining run again does nothing more.
 */
async function retrain(phases: SharedPhases, parent: ExperimentRecord, parentConfig: SearchConfig, timeLimitSeconds: number | undefined): Promise<SearchSummary> {
  const { store } = phases;
  const name = `${parent.name}${RETRAIN_SUFFIX}`;
  const existing = store.experiments.byName(name);
  const scored = store.trials.list(parent.id);
  const wanted = existing?.status === 'completed' ? store.trials.list(existing.id).length
    : timeLimitSeconds === undefined ? parentConfig.retrainTop : Infinity;
  const list = bestDistinct(scored, wanted).map((trial) => trial.decisions);
  const config: SearchConfig = { ...parentConfig, evaluator: 'retrain', trials: list.length };
  const child = existing ?? createExperiment(store, name, config, store.experiments.backendOf(parent.id) ?? undefined);
  const base = phases.depsFor(child, config);
  const batchSize = timeLimitSeconds === undefined ? list.length : base.concurrency;
  const onEvent = doneAtTimeLimit(store, child, base.onEvent, (summary) => summary.finished >= parentConfig.retrainTop
    ? `the retraining ended at the time limit, after ${summary.finished} of the ranked architectures (--retrain-top ${parentConfig.retrainTop})`
    : null);
  return runSearch({
    ...base,
    evaluator: phases.trainingEvaluator,
    onEvent,
    strategies: {
      create: () => new FixedListStrategy(config.strategy, list, undefined, batchSize),
      restore: (state) => new FixedListStrategy(config.strategy, list, state, batchSize),
    },
    policies: { ...base.policies, target: trialCount(list.length), timeLimitSeconds },
  });
}

/**
 * Turns a run that the time limit ended into a completed one, where `message` says it is done (null: it is not, and
 * stays stopped and resumable). Said before the end event is passed on, so the summary printed says completed.
 */
function doneAtTimeLimit(
  store: Store,
  experiment: ExperimentRecord,
  onEvent: ((event: SearchEvent) => void) | undefined,
  message: (summary: SearchSummary) => string | null,
): (event: SearchEvent) => void {
  let stoppedBy: string | null = null;
  return (event) => {
    if (event.type === 'stopping') stoppedBy = event.reason;
    const said = event.type === 'end' && stoppedBy === 'time-limit' ? message(event.summary) : null;
    if (event.type === 'end' && said !== null) {
      store.experiments.setStatus(experiment.id, 'completed', said);
      event = { ...event, summary: { ...event.summary, status: 'completed', message: said, resumeHint: null } };
    }
    onEvent?.(event);
  };
}

/**
 * The `count` distinct architectures with the best shared-weight scores, those scored in the later half of the phase
 * first (the scores of the first trials come from weights that had barely trained), then those scored only in the
 * first half; an architecture scored more than once counts with its latest score.
 */
export function bestDistinct(trials: readonly TrialRecord[], count: number): TrialRecord[] {
  const scored = trials.filter((t) => t.status === 'completed' && t.valAcc !== null);
  const lastSeq = Math.max(0, ...scored.map((t) => t.seq));
  const latest = new Map<string, TrialRecord>();
  for (const trial of scored) latest.set(trial.hash, trial);
  const later = (trial: TrialRecord) => trial.seq > lastSeq / 2;
  const ranked = (list: TrialRecord[]) => list.sort((a, b) => b.valAcc! - a.valAcc! || a.seq - b.seq);
  const all = [...latest.values()];
  return [...ranked(all.filter(later)), ...ranked(all.filter((t) => !later(t)))].slice(0, count);
}

function parentOf(store: Store, child: ExperimentRecord): ExperimentRecord {
  const parent = child.name.endsWith(RETRAIN_SUFFIX) ? store.experiments.byName(child.name.slice(0, -RETRAIN_SUFFIX.length)) : undefined;
  if (!parent) throw new ConfigError(`experiment '${child.name}' retrains a shared-weight search that is not in this database`);
  return parent;
}
