/** Statistics of the ranking bench: Kendall's tau-b, Spearman's rho, a seeded bootstrap interval, mean and sd. */
import seedrandom from 'seedrandom';

/** The mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** The sample standard deviation (n - 1). */
export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Kendall's tau-b of two paired lists: (concordant - discordant) / sqrt((n0 - tiesX) (n0 - tiesY)), n0 the number of
 * pairs; a pair tied in one list counts in that list's ties and is neither concordant nor discordant. NaN when a list
 * is constant (or there are fewer than two items).
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`kendallTauB: lists of ${x.length} and ${y.length} items`);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx * dy > 0) concordant++;
      else if (dx * dy < 0) discordant++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return denominator > 0 ? (concordant - discordant) / denominator : NaN;
}

/** Ranks from 1, ties sharing their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.index] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's rho: Pearson's correlation of the average ranks. NaN when a list is constant. */
export function spearmanRho(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`spearmanRho: lists of ${x.length} and ${y.length} items`);
  return pearson(averageRanks(x), averageRanks(y));
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Resamples whose statistic was defined (a resample of one repeated item has no tau). */
  used: number;
  resamples: number;
}

/**
 * Percentile bootstrap over items (architectures): `resamples` draws of n items with replacement, seeded, the
 * statistic of each; the (1 - level) / 2 and (1 + level) / 2 quantiles (linear interpolation).
 */
export function bootstrapInterval(
  x: readonly number[],
  y: readonly number[],
  statistic: (x: number[], y: number[]) => number,
  options: { resamples: number; seed: string; level?: number },
): BootstrapInterval {
  const random = seedrandom(options.seed);
  const n = x.length;
  const values: number[] = [];
  for (let r = 0; r < options.resamples; r++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * n);
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
    const value = statistic(xs, ys);
    if (Number.isFinite(value)) values.push(value);
  }
  values.sort((a, b) => a - b);
  const level = options.level ?? 0.95;
  return { low: quantile(values, (1 - level) / 2), high: quantile(values, (1 + level) / 2), used: values.length, resamples: options.resamples };
}

/** The q-quantile of sorted values, interpolated linearly; NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
