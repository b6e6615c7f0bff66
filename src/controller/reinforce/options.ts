import { choiceOf, inHalfOpenUnit, nonNegativeNumber, positiveIntegerUpTo, positiveNumber } from '../../checks.js';
import { MAX_CONTROLLER_BATCH, resolveOptions } from '../options.js';
import { ADVANTAGE_MODES, type AdvantageMode } from './advantages.js';

/** Defaults chosen on the NAS-Bench-201 CIFAR-10 table (see the README section "Controller options"). */
const REINFORCE_DEFAULTS = {
  hiddenSize: 32,
  learningRate: 0.2,
  lstmLearningRateScale: 0.1,
  baselineDecay: 0.9,
  entropyWeight: 0.03,
  batchSize: 10,
  temperature: 5,
  tanhConstant: 4,
  gradClip: 5,
  updateSteps: 1,
  positionInput: true,
  initRange: 0.8,
  advantage: 'rank' as AdvantageMode,
  historySize: 50,
  collapseEntropy: 0.05,
  collapseWindow: 10,
  /**
   * What a sequence told again teaches: 'learn' treats it as new; 'once' counts it once per batch; 'skip'
   * counts it only the first time it is ever told (no advantage after that, and left out of the others').
   * Why 'learn' is the default: see BENCHMARKS.md, "REINFORCE and repeated sequences".
   */
  repeats: 'learn' as 'skip' | 'once' | 'learn',
};

export type ReinforceOptions = typeof REINFORCE_DEFAULTS;

/**
 * Upper bounds of the size options, far above any useful value (the defaults are 32, 1, 50 and 10): beyond
 * them the LSTM, its updates or its state would exhaust memory or time (README: "Strategies and controller options").
 */
export const REINFORCE_BOUNDS = { hiddenSize: 1024, updateSteps: 100, historySize: 100_000, collapseWindow: 10_000 };

const optionChecks = {
  hiddenSize: positiveIntegerUpTo(REINFORCE_BOUNDS.hiddenSize),
  learningRate: positiveNumber,
  lstmLearningRateScale: positiveNumber,
  baselineDecay: inHalfOpenUnit,
  entropyWeight: nonNegativeNumber,
  batchSize: positiveIntegerUpTo(MAX_CONTROLLER_BATCH),
  temperature: positiveNumber,
  tanhConstant: nonNegativeNumber,
  gradClip: nonNegativeNumber,
  updateSteps: positiveIntegerUpTo(REINFORCE_BOUNDS.updateSteps),
  advantage: choiceOf(ADVANTAGE_MODES),
  historySize: positiveIntegerUpTo(REINFORCE_BOUNDS.historySize),
  initRange: positiveNumber,
  collapseEntropy: nonNegativeNumber,
  collapseWindow: positiveIntegerUpTo(REINFORCE_BOUNDS.collapseWindow),
  repeats: choiceOf(['skip', 'once', 'learn'] as const),
};

/** The options with defaults filled in; a ConfigError for an unknown name or a bad value. */
export function resolveReinforceOptions(given: Record<string, unknown> | undefined): ReinforceOptions {
  return resolveOptions('reinforce', REINFORCE_DEFAULTS, given, optionChecks);
}
