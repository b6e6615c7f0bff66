import type { Store, TrialStatus } from '../store/index.js';
import type { SearchSummary } from './types.js';

const BEST_SHOWN = 5;

/** The end-of-search summary, from what is stored (so it covers every run of a resumed experiment). */
export function summarise(
  store: Store,
  experimentId: number,
  run: { target: number; runSeconds: number; resumeHint: string | null },
): SearchSummary {
  const experiment = store.experiments.byId(experimentId)!;
  const trials = store.trials.list(experimentId);
  const counts: Record<TrialStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0, pruned: 0, duplicate: 0 };
  for (const trial of trials) counts[trial.status] += 1;
  const finished = counts.completed + counts.failed + counts.pruned + counts.duplicate;
  const updates = store.controller.updates(experimentId);
  return {
    experiment: experiment.name,
    status: experiment.status,
    message: experiment.message,
    target: run.target,
    finished,
    counts,
    duplicateRate: finished === 0 ? 0 : counts.duplicate / finished,
    best: store.trials.top(experimentId, BEST_SHOWN),
    controllerUpdates: updates.length,
    lastDiagnostics: updates.at(-1)?.diagnostics ?? null,
    runSeconds: run.runSeconds,
    totalSeconds: experiment.wallSeconds,
    resumeHint: run.resumeHint,
  };
}
