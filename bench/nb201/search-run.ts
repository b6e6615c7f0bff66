import type { Strategy } from '../../src/controller/index.js';
import type { EvaluationOutcome, Evaluator } from '../../src/evaluation/types.js';
import { consecutiveFailures, distinctBudget, NO_PRUNER, runSearch } from '../../src/search/index.js';
import type { DecisionProcess } from '../../src/space/types.js';
import { Store } from '../../src/store/index.js';

export interface RunResult {
  arch: string;
  reward: number;
  distinct: number;
  samples: number;
}

/**
 * One search under the NAS-Bench-201 protocol, through nas's own search loop on an in-memory store:
 * `budget` distinct architectures evaluated; a repeat gets its stored reward back without counting (at most
 * `maxSamples` samples in all). The chosen architecture is the first one with the best reward found.
 */
export async function runSearch201(createStrategy: () => Strategy, process: DecisionProcess, evaluator: Evaluator, budget: number, maxSamples: number): Promise<RunResult> {
  const store = Store.open(':memory:', { create: true });
  try {
    const experiment = store.experiments.create({ name: 'nb201', dataset: 'nb201', space: process.spaceName, strategy: 'nb201', seed: 0, config: {}, configVersion: 1 });
    await runSearch({
      store,
      experiment,
      process,
      problem: { input: [32, 32, 3], classes: 10 },
      strategies: { create: createStrategy, restore: () => { throw new Error('an NB-201 run is never resumed'); } },
      evaluator,
      budget: { epochs: 1 },
      seedOf: () => 0,
      policies: { target: distinctBudget(budget, maxSamples), pruner: NO_PRUNER, failures: consecutiveFailures(1, 0, 'nb201'), reward: (valAcc) => valAcc },
      concurrency: 1,
      resumeHint: '',
    });
    return chosen(store, experiment.id);
  } finally {
    store.close();
  }
}

function chosen(store: Store, experimentId: number): RunResult {
  const trials = store.trials.list(experimentId);
  let best = { arch: '', reward: -Infinity };
  for (const trial of trials) {
    if (trial.status !== 'completed') continue;
    if (trial.reward! > best.reward) best = { arch: trial.arch as string, reward: trial.reward! };
  }
  return { ...best, distinct: trials.filter((t) => t.status === 'completed').length, samples: trials.length };
}

/** An evaluator whose rewards carry noise that is fixed per architecture (`noise(arch, reward)`). */
export function withNoise(evaluator: Evaluator, noise: (arch: string, reward: number) => number): Evaluator {
  return {
    async evaluate(request, hooks): Promise<EvaluationOutcome> {
      const outcome = await evaluator.evaluate(request, hooks);
      if (outcome.status === 'failed' || request.candidate.kind !== 'cell') return outcome;
      return { ...outcome, metrics: { ...outcome.metrics, valAcc: noise(request.candidate.arch, outcome.metrics.valAcc) } };
    },
    close: () => evaluator.close(),
  };
}
