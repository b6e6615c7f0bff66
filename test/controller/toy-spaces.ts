/** Small decision processes for controller tests (the real spaces live in src/space). */
import type { Candidate, DecisionProcess, NextDecision } from '../../src/space/types.js';

/** `length` decisions of one kind with `choices` options; with `noRepeat`, a choice equal to the previous one is infeasible. */
export function flatSpace(length: number, choices: number, noRepeat = false): DecisionProcess {
  return {
    spaceName: `flat-${length}x${choices}`,
    kinds: [{ name: 'choice', labels: Array.from({ length: choices }, (_, i) => String(i)) }],
    maxDecisions: length,
    next(prefix): NextDecision | null {
      if (prefix.length >= length) return null;
      const last = prefix.at(-1);
      return { kind: 0, mask: Array.from({ length: choices }, (_, c) => !(noRepeat && c === last)) };
    },
    decode: (decisions) => cell(decisions),
    encode: (candidate) => (candidate as { arch: string }).arch.split(',').map(Number),
    hash: (decisions) => decisions.join(','),
  };
}

const LAYER = { C: 0, P: 1, stop: 2 };
const MAX_LAYERS = 4;

/**
 * Variable length, two kinds: a layer type (C, P, stop); a C is followed by a width (8..64).
 * Masks: no stop first, no P after P, width 64 only in the first two convolutions, stop forced after 4 layers.
 */
export function layerSpace(): DecisionProcess {
  return {
    spaceName: 'toy-layers',
    kinds: [
      { name: 'layer', labels: ['C', 'P', 'stop'] },
      { name: 'width', labels: ['8', '16', '32', '64'] },
    ],
    maxDecisions: MAX_LAYERS * 2 + 1,
    next(prefix): NextDecision | null {
      const { layers, convs, lastType, needsWidth, stopped } = walk(prefix);
      if (stopped) return null;
      if (needsWidth) return { kind: 1, mask: [true, true, true, convs <= 2] };
      if (layers >= MAX_LAYERS) return { kind: 0, mask: [false, false, true] };
      return { kind: 0, mask: [true, lastType !== LAYER.P, layers > 0] };
    },
    decode: (decisions) => cell(decisions),
    encode: (candidate) => (candidate as { arch: string }).arch.split(',').map(Number),
    hash: (decisions) => decisions.join(','),
  };
}

function walk(prefix: readonly number[]) {
  let layers = 0;
  let convs = 0;
  let lastType = -1;
  let needsWidth = false;
  let stopped = false;
  for (const choice of prefix) {
    if (needsWidth) {
      needsWidth = false;
      continue;
    }
    if (choice === LAYER.stop) stopped = true;
    else {
      layers++;
      lastType = choice;
      if (choice === LAYER.C) {
        convs++;
        needsWidth = true;
      }
    }
  }
  return { layers, convs, lastType, needsWidth, stopped };
}

function cell(decisions: readonly number[]): Candidate {
  return { kind: 'cell', arch: decisions.join(',') };
}

/** Every decision of `decisions` is feasible under the process's masks, and the sequence is complete. */
export function isFeasibleComplete(process: DecisionProcess, decisions: readonly number[]): boolean {
  for (let at = 0; at < decisions.length; at++) {
    const step = process.next(decisions.slice(0, at));
    if (!step || step.mask[decisions[at]] !== true) return false;
  }
  return process.next(decisions) === null;
}
