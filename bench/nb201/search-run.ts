import type { Strategy } from '../../src/controller/index.js';
import type { DecisionProcess } from '../../src/space/types.js';
import type { TabularEvaluator } from '../../src/tabular/index.js';

export interface RunResult {
  arch: string;
  reward: number;
  distinct: number;
  samples: number;
}

/**
 * One search under the NAS-Bench-201 protocol: `budget` distinct architectures evaluated; a repeat
 * gets its stored reward back without counting (at most `maxSamples` samples in all). The chosen
 * architecture is the one with the best reward found.
 */
export function runSearch(
  strategy: Strategy,
  process: DecisionProcess,
  evaluator: TabularEvaluator,
  budget: number,
  maxSamples: number,
  noise?: (arch: string, reward: number) => number,
): RunResult {
  const seen = new Map<string, number>();
  let samples = 0;
  let best = { arch: '', reward: -Infinity };
  while (seen.size < budget && samples < maxSamples) {
    const feedback = [];
    for (const { decisions } of strategy.ask(strategy.batchSize)) {
      const candidate = process.decode(decisions);
      if (candidate.kind !== 'cell') throw new Error(`space ${process.spaceName} does not produce NB201 cells`);
      const stored = seen.get(candidate.arch);
      if (stored === undefined && seen.size >= budget) break;
      if (samples >= maxSamples) break;
      samples++;
      const reward = stored ?? (noise ? noise(candidate.arch, evaluator.reward(candidate.arch)) : evaluator.reward(candidate.arch));
      if (stored === undefined) {
        seen.set(candidate.arch, reward);
        if (reward > best.reward) best = { arch: candidate.arch, reward };
      }
      feedback.push({ decisions, reward });
    }
    strategy.tell(feedback);
  }
  return { ...best, distinct: seen.size, samples };
}
