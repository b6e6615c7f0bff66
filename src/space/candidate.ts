import { inferCost } from './cost.js';
import { describeArch } from './describe.js';
import type { Candidate, ProblemSpec } from './types.js';

/** A candidate in one line: the ARCH's compact notation, or the cell string. */
export function describeCandidate(candidate: Candidate): string {
  return candidate.kind === 'arch' ? describeArch(candidate.arch) : candidate.arch;
}

/** Parameters and multiply-accumulates per image of a layer ARCH; nothing for a cell (the table knows it). */
export function candidateCost(candidate: Candidate, problem: Pick<ProblemSpec, 'input' | 'classes'>): { params?: number; macs?: number } {
  if (candidate.kind !== 'arch') return {};
  const { params, macs } = inferCost(candidate.arch, problem.input, problem.classes);
  return { params, macs };
}
