/**
 * How rewards become advantages:
 * - 'baseline': r - b (classic REINFORCE with an exponential moving-average baseline b)
 * - 'scaled': (r - b) / running std of (r - b)
 * - 'batch': (r - mean) / std within the batch (b is tracked for diagnostics only)
 * - 'rank': centred ranks within the batch, in [-0.5, 0.5]
 * - 'elite': risk-seeking; (r - q) / std for the rewards above the batch's 70th percentile q, 0 for the rest
 * - 'history': centred rank of r among the last `historySize` rewards and the batch, in [-0.5, 0.5]
 */
export const ADVANTAGE_MODES = ['baseline', 'scaled', 'batch', 'rank', 'elite', 'history'] as const;
export type AdvantageMode = (typeof ADVANTAGE_MODES)[number];

export interface BaselineState {
  /** null until the first batch initialises it to that batch's mean reward. */
  baseline: number | null;
  /** Running variance of r - b, for 'scaled'. */
  variance: number | null;
  /** The latest rewards (at most historySize), oldest first, for 'history'. */
  recent: number[];
}

export const INITIAL_BASELINE: BaselineState = { baseline: null, variance: null, recent: [] };

export interface AdvantageResult {
  advantages: number[];
  /** Spread of r - b (before any normalisation). */
  rawStd: number;
  next: BaselineState;
}

export interface AdvantageOptions {
  advantage: AdvantageMode;
  baselineDecay: number;
  historySize: number;
}

export function computeAdvantages(rewards: readonly number[], options: AdvantageOptions, state: BaselineState): AdvantageResult {
  const { advantage: mode, baselineDecay: decay, historySize } = options;
  const batchMean = mean(rewards);
  const baseline = state.baseline ?? batchMean;
  const centred = rewards.map((r) => r - baseline);
  const rawStd = std(centred);
  const squared = mean(centred.map((d) => d * d));
  const variance = state.variance === null ? squared : decay * state.variance + (1 - decay) * squared;
  const recent = [...(state.recent ?? []), ...rewards].slice(-historySize);
  const next = { baseline: decay * baseline + (1 - decay) * batchMean, variance, recent };
  const advantages =
    mode === 'history' ? historyRanks(rewards, [...(state.recent ?? []), ...rewards]) : advantagesFor(mode, rewards, centred, variance);
  return { advantages, rawStd, next };
}

function historyRanks(rewards: readonly number[], pool: readonly number[]): number[] {
  return rewards.map((r) => {
    const below = pool.filter((v) => v < r).length;
    const ties = pool.filter((v) => v === r).length;
    return (below + (ties - 1) / 2) / Math.max(1, pool.length - 1) - 0.5;
  });
}

function advantagesFor(mode: Exclude<AdvantageMode, 'history'>, rewards: readonly number[], centred: number[], variance: number): number[] {
  switch (mode) {
    case 'baseline':
      return centred;
    case 'scaled':
      return centred.map((d) => d / Math.sqrt(variance + 1e-12));
    case 'batch': {
      const m = mean(rewards);
      const s = std(rewards);
      return rewards.map((r) => (s > 0 ? (r - m) / s : 0));
    }
    case 'rank':
      return centredRanks(rewards);
    case 'elite': {
      const q = quantile(rewards, 0.7);
      const s = std(rewards);
      return rewards.map((r) => (s > 0 && r > q ? (r - q) / s : 0));
    }
  }
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

function centredRanks(values: readonly number[]): number[] {
  if (values.length < 2) return values.map(() => 0);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = (start + end) / 2;
    start = end + 1;
  }
  return ranks.map((r) => r / (values.length - 1) - 0.5);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function std(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}
