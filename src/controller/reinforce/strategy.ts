import * as tf from '@tensorflow/tfjs';
import type { DecisionProcess, NextDecision } from '../../space/types.js';
import { ConfigError } from '../../errors.js';
import { createRng, restoreRng, type Rng } from '../rng.js';
import { base64ToFloats, decodeState, encodeState, floatsToBase64 } from '../state-codec.js';
import type { Diagnostics, Feedback, Proposal, Strategy, StrategyContext } from '../types.js';
import { Adam } from './adam.js';
import { resolveReinforceOptions, type ReinforceOptions } from './options.js';
import { computeAdvantages, INITIAL_BASELINE, mean, type BaselineState } from './advantages.js';
import { initialCollapseState, observeCollapse, type CollapseState } from './collapse.js';
import { LstmPolicy, type Trajectory } from './policy.js';


interface SavedReinforce {
  options: ReinforceOptions;
  weights: string[];
  adam: { first: string[]; second: string[]; step: number };
  baseline: BaselineState;
  updates: number;
  rng: object;
  pending: Feedback[];
  collapse: CollapseState;
  /** Every sequence told so far (comma-joined choices), for `repeats`; absent in states saved before it existed. */
  told?: string[];
}

/**
 * REINFORCE on an LSTM policy: batched sampling with a seeded generator, masked softmax heads,
 * moving-average baseline, entropy bonus, global-norm clipping and Adam; one update (of
 * `updateSteps` gradient steps) every `batchSize` reported rewards.
 */
export class ReinforceStrategy implements Strategy {
  readonly name = 'reinforce' as const;
  readonly batchSize: number;
  readonly options: ReinforceOptions;
  private readonly process: DecisionProcess;
  private readonly policy: LstmPolicy;
  private readonly adam: Adam;
  private rng: Rng;
  private baseline: BaselineState = INITIAL_BASELINE;
  private updates = 0;
  private pending: Feedback[] = [];
  private collapse = initialCollapseState();
  private told = new Set<string>();
  private readonly stepCache = new Map<string, NextDecision[]>();

  constructor(ctx: StrategyContext, saved?: Uint8Array) {
    // tfjs's pure-JS backend greets every Node process with a banner on stderr: noise in `nas search`
    // output. Prod mode must be on before the policy makes its first tensor.
    if (!tf.env().getBool('PROD')) tf.enableProdMode();
    this.process = ctx.process;
    const state = saved ? (decodeState(this.name, saved) as unknown as SavedReinforce) : undefined;
    this.options = resolveReinforceOptions({ ...state?.options, ...ctx.options });
    if (state) checkShapeUnchanged(state.options, this.options);
    this.batchSize = this.options.batchSize;
    const choices = ctx.process.kinds.map((k) => k.labels.length);
    if (state) {
      this.rng = restoreRng(state.rng);
      this.policy = new LstmPolicy(choices, this.options.hiddenSize, this.positions(), state.weights.map(base64ToFloats));
      const { first, second, step } = state.adam;
      this.adam = new Adam(this.policy.variables, undefined, undefined, undefined, {
        first: first.map(base64ToFloats),
        second: second.map(base64ToFloats),
        step,
      });
      ({ baseline: this.baseline, updates: this.updates, pending: this.pending, collapse: this.collapse } = state);
      this.told = new Set(state.told ?? []);
    } else {
      this.rng = createRng(ctx.seed);
      this.policy = new LstmPolicy(choices, this.options.hiddenSize, this.positions(), { rng: this.rng, range: this.options.initRange });
      this.adam = new Adam(this.policy.variables);
    }
  }

  ask(count: number): Proposal[] {
    const trajectories = this.policy.sample(this.process, count, this.rng, this.options);
    if (this.stepCache.size > 100_000) this.stepCache.clear();
    for (const tr of trajectories) this.stepCache.set(tr.decisions.join(','), tr.steps);
    return trajectories.map((tr) => ({ decisions: tr.decisions }));
  }

  tell(feedback: Feedback[]): Diagnostics | null {
    this.pending.push(...feedback.map((f) => ({ decisions: [...f.decisions], reward: f.reward })));
    if (this.pending.length < this.batchSize) return null;
    const batch = this.pending;
    this.pending = [];
    return this.update(batch);
  }

  /** The policy's probabilities for the decision after `prefix` (null when `prefix` is complete). */
  probabilities(prefix: readonly number[]): number[] | null {
    return this.policy.probabilities(this.process, prefix, this.options);
  }

  save(): Uint8Array {
    const moments = this.adam.moments();
    const state: SavedReinforce = {
      options: this.options,
      weights: this.policy.weights().map(floatsToBase64),
      adam: { first: moments.first.map(floatsToBase64), second: moments.second.map(floatsToBase64), step: moments.step },
      baseline: this.baseline,
      updates: this.updates,
      rng: this.rng.state(),
      pending: this.pending,
      collapse: this.collapse,
      ...(this.told.size > 0 ? { told: [...this.told] } : {}),
    };
    return encodeState(this.name, state);
  }

  dispose(): void {
    this.policy.dispose();
    this.adam.dispose();
  }

  /** The LSTM's kernel and bias (variables 1 and 2) learn at a scaled rate: they saturate first. */
  private learningRates(): number[] {
    const { learningRate, lstmLearningRateScale } = this.options;
    return this.policy.variables.map((_, i) => (i === 1 || i === 2 ? learningRate * lstmLearningRateScale : learningRate));
  }

  private positions(): number {
    return this.options.positionInput ? this.process.maxDecisions : 0;
  }

  private update(batch: Feedback[]): Diagnostics {
    const trajectories = batch.map((f) => this.trajectoryOf(f.decisions));
    const { advantages, rawStd } = this.advantagesOf(batch);
    let entropyRows: number[][] = [];
    let gradNorm = 0;
    // A space whose every step is forced (one architecture) leaves the policy nothing to learn, and no gradient.
    const free = trajectories.some((trajectory) => trajectory.steps.some((step) => step.mask.filter(Boolean).length > 1));
    const steps = free ? this.options.updateSteps : 0;
    for (let s = 0; s < steps; s++) {
      const entropyOut: tf.Tensor2D[] = [];
      const { grads } = tf.variableGrads(() => {
        const { loss, entropy } = this.policy.loss(trajectories, advantages, this.options.entropyWeight, this.options);
        entropyOut.push(entropy);
        return loss;
      }, this.policy.variables);
      if (s === 0) entropyRows = entropyOut[0].arraySync();
      tf.dispose(entropyOut);
      gradNorm = this.adam.apply(this.policy.variables.map((v) => grads[v.name]), this.learningRates(), this.options.gradClip);
      tf.dispose(grads);
    }
    this.updates++;
    return this.diagnostics(batch, trajectories, rawStd, entropyRows, gradNorm);
  }

  /**
   * Advantages of the batch. A repeat that the `repeats` option does not count gets no advantage, and the
   * others' advantages (and the baseline) are computed among the counted ones only: counting every repeat
   * pushes a policy that starts repeating its best sequence further towards it with each repeat.
   * Why: see BENCHMARKS.md, "REINFORCE and repeated sequences".
   */
  private advantagesOf(batch: Feedback[]): { advantages: number[]; rawStd: number } {
    // Only 'skip' needs to remember every sequence ever told (it is saved with the state).
    const told = this.options.repeats === 'skip' ? this.told : new Set<string>();
    const fresh = batch.map((f) => {
      const key = f.decisions.join(',');
      const isNew = !told.has(key);
      told.add(key);
      return isNew || this.options.repeats === 'learn';
    });
    const counted = batch.filter((_, i) => fresh[i]).map((f) => f.reward);
    if (counted.length === 0) return { advantages: batch.map(() => 0), rawStd: 0 };
    const { advantages, rawStd, next } = computeAdvantages(counted, this.options, this.baseline);
    this.baseline = next;
    let k = 0;
    return { advantages: fresh.map((isFresh) => (isFresh ? advantages[k++] : 0)), rawStd };
  }

  private diagnostics(batch: Feedback[], trajectories: Trajectory[], advantageStd: number, entropyRows: number[][], gradNorm: number): Diagnostics {
    const rewards = batch.map((f) => f.reward);
    const entropyPerDecision = entropyRows.map((row, t) => {
      const live = trajectories.filter((tr) => tr.decisions.length > t).length;
      return live ? row.reduce((a, b) => a + b, 0) / live : 0;
    });
    const entropy = entropyPerDecision.reduce((a, b) => a + b, 0);
    const meanLength = mean(trajectories.map((tr) => tr.decisions.length)) || 1;
    const { warning, next } = observeCollapse(
      this.collapse,
      Math.max(...rewards),
      entropy / meanLength,
      this.options.collapseEntropy,
      this.options.collapseWindow,
    );
    this.collapse = next;
    return {
      step: this.updates,
      meanReward: mean(rewards),
      baseline: this.baseline.baseline ?? 0,
      advantageStd,
      entropy,
      entropyPerDecision,
      collapseWarning: warning,
      gradNorm,
      batch: batch.length,
    };
  }

  private trajectoryOf(decisions: number[]): Trajectory {
    const key = decisions.join(',');
    const cached = this.stepCache.get(key);
    if (cached) {
      this.stepCache.delete(key);
      return { decisions, steps: cached };
    }
    return { decisions, steps: recomputeSteps(this.process, decisions) };
  }
}

/** The (kind, mask) of each step of a told sequence that was not asked here (e.g. after a restore). */
function recomputeSteps(process: DecisionProcess, decisions: readonly number[]): NextDecision[] {
  return decisions.map((choice, at) => {
    const step = process.next(decisions.slice(0, at));
    if (!step || !step.mask[choice]) {
      throw new Error(`told decision sequence [${decisions.join(',')}] is not feasible at position ${at}`);
    }
    return step;
  });
}

/** Options that fix the policy's weight shapes cannot change on restore. */
function checkShapeUnchanged(saved: ReinforceOptions, now: ReinforceOptions): void {
  for (const name of ['hiddenSize', 'positionInput'] as const) {
    if (saved[name] !== now[name]) {
      throw new ConfigError(`option '${name}' cannot change when resuming (saved ${saved[name]}, given ${now[name]})`);
    }
  }
}
