/**
 * The strategy contract (Optuna's sampler, NNI's tuner): works on any search space through its
 * DecisionProcess. Strategies know decisions, never CNNs.
 */
import type { DecisionProcess } from '../space/types.js';

export type StrategyName = 'reinforce' | 'random' | 'evolution';

export interface Proposal {
  decisions: number[];
}

export interface Feedback {
  decisions: number[];
  reward: number;
}

export interface Diagnostics {
  step: number;
  meanReward: number;
  baseline: number;
  advantageStd: number;
  entropy: number;
  entropyPerDecision: number[];
  collapseWarning: boolean;
  [extra: string]: unknown;
}

export interface Strategy {
  readonly name: StrategyName;
  /** How many results it learns from at once: ask and tell this many at a time for best effect. */
  readonly batchSize: number;
  /** Propose `count` candidates (complete decision sequences, every one feasible under the masks). */
  ask(count: number): Proposal[];
  /** Report rewards for proposals (in the order they were asked). Returns diagnostics when it updated. */
  tell(feedback: Feedback[]): Diagnostics | null;
  /** The complete state (weights, optimiser moments, baseline, step, RNG state, population). */
  save(): Uint8Array;
  /** Release tfjs memory, if any. */
  dispose(): void;
}

export interface StrategyContext {
  process: DecisionProcess;
  seed: string | number;
  options?: Record<string, unknown>;
}
