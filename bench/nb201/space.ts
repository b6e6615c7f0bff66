/**
 * Private stand-in for src/space's 'nb201' space until `bindSpace(loadSpace('nb201'), ...)` is
 * exported: 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2), one of 5 ops each, all feasible.
 */
import type { Candidate, DecisionProcess, NextDecision } from '../../src/space/types.js';

const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
const EDGE_SOURCES = [0, 0, 1, 0, 1, 2];
const NODE_EDGES = [1, 2, 3];

export function nb201Process(): DecisionProcess {
  const mask = OPS.map(() => true);
  const decode = (decisions: readonly number[]): Candidate => {
    const ops = decisions.map((choice, edge) => `${OPS[choice]}~${EDGE_SOURCES[edge]}`);
    let at = 0;
    const nodes = NODE_EDGES.map((count) => `|${ops.slice(at, (at += count)).join('|')}|`);
    return { kind: 'cell', arch: nodes.join('+') };
  };
  return {
    spaceName: 'nb201',
    kinds: [{ name: 'op', labels: OPS }],
    maxDecisions: EDGE_SOURCES.length,
    next: (prefix): NextDecision | null => (prefix.length < EDGE_SOURCES.length ? { kind: 0, mask } : null),
    decode,
    encode: () => {
      throw new Error('not needed by the benchmark');
    },
    hash: (decisions) => (decode(decisions) as { arch: string }).arch,
  };
}
