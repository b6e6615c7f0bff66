import type { SearchConfig } from './types.js';

/**
 * The reward of a trained architecture: validation accuracy, or with the cost objective MnasNet's soft
 * constraint accuracy x (params / target)^w (w < 0 favours smaller networks; params come from the ARCH).
 */
export function rewardOf(valAcc: number, params: number | null, config: Pick<SearchConfig, 'objective' | 'paramTarget' | 'costWeight'>): number {
  if (!Number.isFinite(valAcc)) return Number.NaN;
  if (config.objective === 'accuracy' || params === null || params <= 0) return valAcc;
  return valAcc * Math.pow(params / config.paramTarget, config.costWeight);
}
