/** Pure series computations for the plots: best so far and the Pareto front, O(n) and O(n log n). */

/** best[i] = the highest of values[0..i] that counts (null until one does). */
export function bestSoFar(values: ArrayLike<number | null>, counts: (i: number) => boolean = () => true): (number | null)[] {
  const best: (number | null)[] = new Array<number | null>(values.length);
  let current: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value !== null && value !== undefined && Number.isFinite(value) && counts(i) && (current === null || value > current)) current = value;
    best[i] = current;
  }
  return best;
}

/**
 * The indices of the points on the Pareto front of (cost down, accuracy up), by increasing cost: a point is on
 * it when no other point costs at most as much and scores more (or costs less and scores as much). Points
 * with a missing or non-positive cost or a missing accuracy are left out. Sort, then one sweep: O(n log n).
 */
export function paretoFront(cost: ArrayLike<number | null>, accuracy: ArrayLike<number | null>): number[] {
  const points: number[] = [];
  for (let i = 0; i < cost.length; i++) {
    const c = cost[i];
    const a = accuracy[i];
    if (c !== null && c !== undefined && c > 0 && a !== null && a !== undefined && Number.isFinite(a)) points.push(i);
  }
  points.sort((i, j) => cost[i]! - cost[j]! || accuracy[j]! - accuracy[i]!);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of points) {
    if (accuracy[i]! > best) {
      front.push(i);
      best = accuracy[i]!;
    }
  }
  return front;
}
