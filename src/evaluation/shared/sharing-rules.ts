/** How far the paths of a supernet share weights: the rules, by name (no tfjs here: the option table reads the names). */

/**
 * `scaleSlices`: a path reads its box of a kernel times sqrt(full fan-in / its fan-in), so every path starts at He
 * initialisation for its own widths and a layer's output scale does not depend on how many input channels the path
 * gives it. `separate`: choices whose convolutions get weights of their own, e.g. batch norm (a kernel trained under
 * batch norm has no scale of its own, which a path without it then reads).
 */
export interface SharingRule {
  scaleSlices: boolean;
  separate: readonly SeparateChoice[];
}

export type SeparateChoice = 'batch_norm' | 'stride';

/** The first rule: one sliced kernel per slot and kernel size, read as it is. */
export const PLAIN_SLICES: SharingRule = { scaleSlices: false, separate: [] };

/** The rules a search may name (--shared-rule). */
export const SHARING_RULES = {
  plain: PLAIN_SLICES,
  'scaled-bn': { scaleSlices: true, separate: ['batch_norm'] },
} as const satisfies Record<string, SharingRule>;

export type SharingRuleName = keyof typeof SHARING_RULES;

export const SHARING_RULE_NAMES = Object.keys(SHARING_RULES) as SharingRuleName[];
