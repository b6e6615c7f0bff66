/**
 * Collapse: the policy's mean entropy per decision has fallen below `threshold` (nats) while the
 * best reward of the last `window` updates is no better than the best before them.
 */
export interface CollapseState {
  bestBefore: number;
  recentMaxima: number[];
}

export function initialCollapseState(): CollapseState {
  return { bestBefore: -Infinity, recentMaxima: [] };
}

export function observeCollapse(
  state: CollapseState,
  batchMax: number,
  entropyPerDecision: number,
  threshold: number,
  window: number,
): { warning: boolean; next: CollapseState } {
  const recent = [...state.recentMaxima, batchMax];
  let bestBefore = state.bestBefore;
  while (recent.length > window) bestBefore = Math.max(bestBefore, recent.shift()!);
  const stalled = recent.length === window && Math.max(...recent) <= bestBefore;
  return { warning: stalled && entropyPerDecision < threshold, next: { bestBefore, recentMaxima: recent } };
}
