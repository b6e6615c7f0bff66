/**
 * The NAS-Bench-201 cell space: 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2), one op each, written as the
 * arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. Every cell is valid, so every mask is all true.
 */
import { SpaceError } from '../errors.js';
import { hashText } from './canonical.js';
import type { Candidate, CellSpaceDefinition, DecisionKind, DecisionProcess, NextDecision } from './types.js';
import { NB201_OPS } from './types.js';

/** Source node of each edge, in decision order. */
const EDGE_SOURCES = [0, 0, 1, 0, 1, 2];
const NODE_EDGE_COUNTS = [1, 2, 3];

export class Nb201Process implements DecisionProcess {
  readonly spaceName: string;
  readonly kinds: DecisionKind[];
  readonly maxDecisions = EDGE_SOURCES.length;
  private readonly ops: readonly string[];
  private readonly decision: NextDecision;

  constructor(space: CellSpaceDefinition) {
    this.spaceName = space.name;
    this.ops = space.ops ?? NB201_OPS;
    this.kinds = [{ name: 'nb201.op', labels: [...this.ops] }];
    this.decision = { kind: 0, mask: this.ops.map(() => true) };
  }

  next(prefix: readonly number[]): NextDecision | null {
    if (prefix.length >= EDGE_SOURCES.length) return null;
    return { kind: 0, mask: [...this.decision.mask] };
  }

  decode(decisions: readonly number[]): Candidate {
    if (decisions.length !== EDGE_SOURCES.length) {
      throw new SpaceError(`an NB201 cell takes ${EDGE_SOURCES.length} decisions, got ${decisions.length}`);
    }
    const ops = decisions.map((choice, edge) => {
      const op = this.ops[choice];
      if (op === undefined) throw new SpaceError(`decision ${edge}: choice ${choice} is out of range 0..${this.ops.length - 1}`);
      return `${op}~${EDGE_SOURCES[edge]}`;
    });
    const nodes: string[] = [];
    let at = 0;
    for (const count of NODE_EDGE_COUNTS) {
      nodes.push(`|${ops.slice(at, at + count).join('|')}|`);
      at += count;
    }
    return { kind: 'cell', arch: nodes.join('+') };
  }

  encode(candidate: Candidate): number[] {
    if (candidate.kind !== 'cell') throw new SpaceError(`space ${this.spaceName} holds NB201 cells, not layer ARCHs`);
    const nodes = candidate.arch.split('+');
    if (nodes.length !== NODE_EDGE_COUNTS.length) throw badCell(candidate.arch, 'expected 3 nodes separated by +');
    const decisions: number[] = [];
    nodes.forEach((node, n) => {
      const edges = node.replace(/^\|/, '').replace(/\|$/, '').split('|');
      if (!node.startsWith('|') || !node.endsWith('|') || edges.length !== NODE_EDGE_COUNTS[n]) {
        throw badCell(candidate.arch, `node ${n + 1} must read |op~0|...| with ${NODE_EDGE_COUNTS[n]} edges`);
      }
      edges.forEach((edge, source) => {
        const [op, from] = edge.split('~');
        const choice = this.ops.indexOf(op);
        if (from !== String(source)) throw badCell(candidate.arch, `edge '${edge}' must come from node ${source}`);
        if (choice < 0) throw badCell(candidate.arch, `op '${op}' is not one of ${this.ops.join(', ')}`);
        decisions.push(choice);
      });
    });
    return decisions;
  }

  log10Size(): number {
    return EDGE_SOURCES.length * Math.log10(this.ops.length);
  }

  hash(decisions: readonly number[]): string {
    const cell = this.decode(decisions);
    return hashText(`nb201:${cell.arch}`);
  }
}

function badCell(arch: string, why: string): SpaceError {
  return new SpaceError(`not an NB201 arch string '${arch}': ${why}`);
}
