import type { DecisionProcess } from '../space/types.js';
import { positiveIntegerUpTo } from '../checks.js';
import { MAX_CONTROLLER_BATCH, resolveOptions } from './options.js';
import { createRng, restoreRng, type Rng } from './rng.js';
import { completeSequence, feasibleChoices, randomSequence, uniformFeasible } from './sampling.js';
import { decodeState, encodeState } from './state-codec.js';
import type { Diagnostics, Feedback, Proposal, Strategy, StrategyContext } from './types.js';

const EVOLUTION_DEFAULTS = { populationSize: 20, sampleSize: 10, batchSize: 1 };
/** The largest population and tournament: far above useful ones, and every member is kept in the stored state. */
export const MAX_POPULATION = 10_000;

interface Member {
  decisions: number[];
  reward: number;
}

interface EvolutionState {
  rng: object;
  issued: number;
  population: Member[];
  history: Member[];
}

/**
 * Regularized evolution (Real et al. 2019): the first `populationSize` proposals are random; after
 * that each proposal mutates the best of `sampleSize` members drawn from the population, and every
 * reported result joins the population while the oldest member leaves.
 */
export class EvolutionStrategy implements Strategy {
  readonly name = 'evolution' as const;
  readonly batchSize: number;
  private readonly process: DecisionProcess;
  private readonly populationSize: number;
  private readonly sampleSize: number;
  private rng: Rng;
  private issued = 0;
  private population: Member[] = [];
  private history: Member[] = [];

  constructor(ctx: StrategyContext, saved?: Uint8Array) {
    this.process = ctx.process;
    const options = resolveEvolutionOptions(ctx.options);
    ({ populationSize: this.populationSize, sampleSize: this.sampleSize, batchSize: this.batchSize } = options);
    if (saved) {
      const state = decodeState(this.name, saved) as unknown as EvolutionState;
      this.rng = restoreRng(state.rng);
      ({ issued: this.issued, population: this.population, history: this.history } = state);
    } else {
      this.rng = createRng(ctx.seed);
    }
  }

  ask(count: number): Proposal[] {
    return Array.from({ length: count }, () => ({ decisions: this.propose() }));
  }

  tell(feedback: Feedback[]): Diagnostics | null {
    for (const { decisions, reward } of feedback) {
      const member = { decisions: [...decisions], reward };
      this.population.push(member);
      this.history.push(member);
      if (this.population.length > this.populationSize) this.population.shift();
    }
    return null;
  }

  save(): Uint8Array {
    const state: EvolutionState = {
      rng: this.rng.state(),
      issued: this.issued,
      population: this.population,
      history: this.history,
    };
    return encodeState(this.name, state);
  }

  dispose(): void {}

  private propose(): number[] {
    const initial = this.issued < this.populationSize || this.population.length === 0;
    this.issued++;
    return initial ? randomSequence(this.process, this.rng) : this.mutate(this.tournament().decisions);
  }

  private tournament(): Member {
    const pool = [...this.population];
    let best: Member | undefined;
    for (let drawn = 0; drawn < Math.min(this.sampleSize, this.population.length); drawn++) {
      const [candidate] = pool.splice(this.rng.int(pool.length), 1);
      if (!best || candidate.reward > best.reward) best = candidate;
    }
    return best!;
  }

  /**
   * Re-sample one decision (among those with another feasible choice), then walk the rest of the
   * sequence keeping each parent decision that is still feasible and re-sampling the others.
   */
  private mutate(parent: readonly number[]): number[] {
    const mutable = this.mutablePositions(parent);
    if (mutable.length === 0) return randomSequence(this.process, this.rng);
    const position = mutable[this.rng.int(mutable.length)];
    const parentKinds = this.kindsAlong(parent);
    return completeSequence(this.process, parent.slice(0, position), (step, at) => {
      if (at === position) {
        const others = feasibleChoices(step.mask).filter((choice) => choice !== parent[at]);
        return others[this.rng.int(others.length)];
      }
      const kept = parent[at];
      const stillValid = at < parent.length && parentKinds[at] === step.kind && step.mask[kept];
      return stillValid ? kept : uniformFeasible(this.rng, step.mask);
    });
  }

  private mutablePositions(parent: readonly number[]): number[] {
    const positions: number[] = [];
    for (let at = 0; at < parent.length; at++) {
      const step = this.process.next(parent.slice(0, at));
      if (step && step.mask.filter(Boolean).length > 1) positions.push(at);
    }
    return positions;
  }

  private kindsAlong(decisions: readonly number[]): number[] {
    return decisions.map((_, at) => this.process.next(decisions.slice(0, at))?.kind ?? -1);
  }
}

/** The options with defaults filled in; a ConfigError for an unknown name or a bad value. */
export function resolveEvolutionOptions(given: Record<string, unknown> | undefined) {
  return resolveOptions('evolution', EVOLUTION_DEFAULTS, given, {
    populationSize: positiveIntegerUpTo(MAX_POPULATION),
    sampleSize: positiveIntegerUpTo(MAX_POPULATION),
    batchSize: positiveIntegerUpTo(MAX_CONTROLLER_BATCH),
  });
}
