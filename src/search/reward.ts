import type { RewardFunction } from './outcome.js';

export type Objective = 'accuracy' | 'cost';

export interface ObjectiveSettings {
  objective: Objective;
  paramTarget: number;
  costWeight: number;
}

/**
 * The reward of a trained architecture: validation accuracy, or with the cost objective MnasNet's soft
 * constraint accuracy x (params / target)^w (w < 0 favours smaller networks; params come from the ARCH).
 */
export function rewardOf(valAcc: number, params: number | null, settings: ObjectiveSettings): number {
  if (!Number.isFinite(valAcc)) return Number.NaN;
  if (settings.objective === 'accuracy' || params === null || params <= 0) return valAcc;
  return valAcc * Math.pow(params / settings.paramTarget, settings.costWeight);
}

export function objectiveReward(settings: ObjectiveSettings): RewardFunction {
  return (valAcc, params) => rewardOf(valAcc, params, settings);
}
