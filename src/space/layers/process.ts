/**
 * A layer space bound to a problem, as the controller sees it: per layer one 'layer' decision (a kind or
 * stop), then one decision per multi-valued field of that kind, in the compiled field order. Fields a
 * global average pool ignores are not asked. The sequence ends at 'stop' or after maxLayers layers.
 */
import { ArchError, SpaceError } from '../../errors.js';
import { canonicalArch, hashText } from '../canonical.js';
import type { Activation, Candidate, DecisionKind, DecisionProcess, Layer, NextDecision, Pair, ProblemSpec } from '../types.js';
import { STRIDE_IS_KERNEL, label, type CompiledKind, type CompiledSpace, type FieldValue } from './compile.js';
import { Lookahead, capsOf, fits, ignoredByPool, type Caps, type Frontier, type State } from './feasibility.js';

interface Walk {
  state: State;
  params: number;
  macs: number;
  /** Output shape of every layer so far (index -1, the input, is kept apart). */
  shapes: number[][];
  layers: Layer[];
  /** Kind of the layer being decided, or -1 between layers. */
  kind: number;
  chosen: number[];
  /** Next field of the current layer to look at. */
  field: number;
  done: boolean;
}

export class LayerProcess implements DecisionProcess {
  readonly spaceName: string;
  readonly kinds: DecisionKind[];
  readonly maxDecisions: number;
  private readonly lookahead: Lookahead;
  private readonly caps: Caps;

  constructor(
    private readonly space: CompiledSpace,
    private readonly problem: ProblemSpec,
  ) {
    this.spaceName = space.name;
    this.kinds = space.decisionKinds;
    const widest = Math.max(...space.kinds.map((k) => k.fields.filter((f) => f.decisionKind >= 0).length));
    this.maxDecisions = space.maxLayers * (1 + widest) + 1;
    this.lookahead = new Lookahead(space, problem);
    this.caps = capsOf(problem);
    if (this.lookahead.minCompletion(this.lookahead.start()).length === 0) {
      throw new SpaceError(`space ${space.name} has no valid ARCH for input ${problem.input.join('x')} and ${problem.classes} classes: ${this.whyNone()}`);
    }
  }

  /** Which cap (or the input) leaves no ARCH: asked of uncapped lookaheads, one quantity each. */
  private whyNone(): string {
    const { input, classes, maxParams, maxMacs } = this.problem;
    const cheapest = (spec: ProblemSpec) => {
      const lookahead = new Lookahead(this.space, spec);
      const [point] = lookahead.minCompletion(lookahead.start());
      return point;
    };
    const params = cheapest({ input, classes });
    if (!params) return 'none fits the input';
    if (maxParams !== undefined && params[0] > maxParams) return `the smallest needs ${params[0]} parameters, over the cap of ${maxParams}`;
    const macs = cheapest({ input, classes, maxMacs: Infinity })[1];
    if (maxMacs !== undefined && macs > maxMacs) return `the cheapest needs ${macs} MACs, over the cap of ${maxMacs}`;
    return `none has at most ${maxParams} parameters and at most ${maxMacs} MACs at once`;
  }

  next(prefix: readonly number[]): NextDecision | null {
    return this.pending(this.walkThrough(prefix));
  }

  decode(decisions: readonly number[]): Candidate {
    const walk = this.walkThrough(decisions);
    if (!this.isComplete(walk)) throw new SpaceError(`the ${decisions.length} decisions do not complete an ARCH of space ${this.spaceName}`);
    return { kind: 'arch', arch: canonicalArch([...walk.layers, { type: 'T' }]) };
  }

  encode(candidate: Candidate): number[] {
    if (candidate.kind !== 'arch') throw new SpaceError(`space ${this.spaceName} holds layer ARCHs, not NB201 cells`);
    const arch = canonicalArch(candidate.arch).slice(0, -1);
    const walk = this.begin();
    const decisions: number[] = [];
    const decide = (choice: number, where: () => ArchError) => {
      const pending = this.pending(walk);
      if (!pending || !pending.mask[choice]) throw where();
      decisions.push(choice);
      this.step(walk, choice);
    };
    arch.forEach((layer, index) => {
      const kind = this.space.kinds.findIndex((k) => k.type === layer.type);
      decide(kind, () => new ArchError(`a ${layer.type} layer is not allowed here by space ${this.spaceName}`, index, 'type'));
      while (walk.kind >= 0 && !walk.done) {
        const field = this.space.kinds[kind].fields[walk.field];
        const choice = field.values.findIndex((value) => matches(layer, index, field.name, value));
        decide(choice, () => notOffered(layer, index, field.name, this.spaceName));
      }
      this.checkFixedFields(layer, index, kind, walk.chosen);
    });
    if (this.pending(walk)) decide(this.space.kinds.length, () => new ArchError(`space ${this.spaceName} cannot stop after ${arch.length} layers`));
    return decisions;
  }

  hash(decisions: readonly number[]): string {
    const candidate = this.decode(decisions);
    return hashText(JSON.stringify(candidate.arch));
  }

  /** log10 of the number of complete decision sequences (an estimate where skip choices exist). */
  log10Size(): number {
    return Math.log10(this.lookahead.countFrom(this.lookahead.start()));
  }

  private begin(): Walk {
    return { state: this.lookahead.start(), params: 0, macs: 0, shapes: [], layers: [], kind: -1, chosen: [], field: 0, done: false };
  }

  /** The walk after the decisions of `prefix`, each checked against its mask. */
  private walkThrough(prefix: readonly number[]): Walk {
    const walk = this.begin();
    prefix.forEach((choice, at) => {
      const pending = this.pending(walk);
      if (!pending) throw new SpaceError(`decision ${at}: the sequence is already complete`);
      if (!pending.mask[choice]) {
        const labels = this.kinds[pending.kind].labels;
        throw new SpaceError(`decision ${at} (${this.kinds[pending.kind].name}): choice ${choice} (${labels[choice] ?? 'out of range'}) is not feasible here`);
      }
      this.step(walk, choice);
    });
    return walk;
  }

  private isComplete(walk: Walk): boolean {
    return walk.done || (walk.kind < 0 && walk.state.layers >= this.space.maxLayers);
  }

  private pending(walk: Walk): NextDecision | null {
    if (this.isComplete(walk)) return null;
    if (walk.kind < 0) return { kind: 0, mask: this.maskOf(this.lookahead.layerChoiceCosts(walk.state), walk) };
    const spec = this.space.kinds[walk.kind];
    const field = spec.fields[walk.field];
    const mask = this.maskOf(this.lookahead.fieldChoiceCosts(walk.state, walk.kind, walk.chosen, walk.field), walk);
    if (field.name === 'skip_back') this.maskSkips(walk, field.values as number[], mask);
    if (!mask.some(Boolean)) throw new SpaceError(`no feasible choice for ${this.kinds[field.decisionKind].name}: the prefix is infeasible`);
    return { kind: field.decisionKind, mask };
  }

  private maskOf(costs: Frontier[], walk: Walk): boolean[] {
    return costs.map((frontier) => fits(frontier, walk.params, walk.macs, this.caps));
  }

  /** A skip offset is feasible when the layer it reaches has exactly this layer's output shape. */
  private maskSkips(walk: Walk, offsets: number[], mask: boolean[]): void {
    const step = this.lookahead.apply(walk.state, walk.kind, walk.chosen);
    const output = step ? [step.next.h, step.next.w, step.next.c] : [];
    const index = walk.state.layers;
    offsets.forEach((offset, i) => {
      if (offset === 0 || !mask[i]) return;
      const source = index - offset < -1 ? undefined : index - offset === -1 ? this.problem.input : walk.shapes[index - offset];
      mask[i] = source !== undefined && source.length === 3 && source.every((n, axis) => n === output[axis]);
    });
  }

  private step(walk: Walk, choice: number): void {
    if (walk.kind < 0) {
      if (choice === this.space.kinds.length) {
        walk.done = true;
        return;
      }
      walk.kind = choice;
      walk.chosen = this.space.kinds[choice].fields.map(() => 0);
      walk.field = 0;
    } else {
      walk.chosen[walk.field] = choice;
      walk.field++;
    }
    this.advance(walk);
  }

  /** Moves to the next field that needs a decision, finishing the layer when none is left. */
  private advance(walk: Walk): void {
    const spec = this.space.kinds[walk.kind];
    while (walk.field < spec.fields.length) {
      if (spec.fields[walk.field].decisionKind >= 0 && !ignoredByPool(spec, walk.chosen, walk.field)) return;
      walk.field++;
    }
    const step = this.lookahead.apply(walk.state, walk.kind, walk.chosen)!;
    walk.layers.push(buildLayer(spec, walk.chosen, walk.state.layers));
    walk.shapes.push(step.next.units ? [step.next.units] : [step.next.h, step.next.w, step.next.c]);
    walk.params += step.params;
    walk.macs += step.macs;
    walk.state = step.next;
    walk.kind = -1;
  }

  /** Single-valued fields are never asked: the ARCH must hold their value (or an equivalent one). */
  private checkFixedFields(layer: Layer, index: number, kind: number, chosen: readonly number[]): void {
    const spec = this.space.kinds[kind];
    spec.fields.forEach((field, i) => {
      if (field.decisionKind >= 0 || ignoredByPool(spec, chosen, i) || matches(layer, index, field.name, field.values[0])) return;
      throw notOffered(layer, index, field.name, this.spaceName);
    });
  }
}

function buildLayer(spec: CompiledKind, chosen: readonly number[], index: number): Layer {
  const value = (field: number): FieldValue => spec.fields[field].values[chosen[field]];
  switch (spec.type) {
    case 'C': {
      const back = value(6) as number;
      return {
        type: 'C',
        num_output: value(0) as number,
        kernel_size: value(1) as Pair,
        stride: value(2) as Pair,
        padding: value(3) as 'same' | 'valid',
        batch_norm: value(4) as boolean,
        activation: value(5) as Activation,
        skip_from: back === 0 ? null : index - back,
        drop_out: value(7) as number,
      };
    }
    case 'P': {
      const kernel = value(1) as Pair;
      return {
        type: 'P',
        pool: value(0) as 'max' | 'avg' | 'global_avg',
        kernel_size: kernel,
        stride: value(2) === STRIDE_IS_KERNEL ? kernel : (value(2) as Pair),
        padding: value(3) as 'same' | 'valid',
        drop_out: value(4) as number,
      };
    }
    case 'FC':
      return {
        type: 'FC',
        num_output: value(0) as number,
        batch_norm: value(1) as boolean,
        activation: value(2) as Activation,
        drop_out: value(3) as number,
      };
  }
}

/** The value an ARCH layer holds for a space field (skip_back as the offset back to skip_from). */
function layerValue(layer: Layer, index: number, field: string): unknown {
  if (field === 'skip_back') return layer.type === 'C' && layer.skip_from !== null ? index - layer.skip_from : 0;
  return (layer as unknown as Record<string, unknown>)[field];
}

function matches(layer: Layer, index: number, field: string, value: FieldValue): boolean {
  if (field === 'stride' && value === STRIDE_IS_KERNEL && layer.type === 'P') return label(layer.stride) === label(layer.kernel_size);
  if (field === 'padding' && (layer.type === 'C' || layer.type === 'P') && label(layer.kernel_size) === '1') return true;
  return JSON.stringify(layerValue(layer, index, field)) === JSON.stringify(value);
}

function notOffered(layer: Layer, index: number, field: string, space: string): ArchError {
  return new ArchError(`value ${show(layerValue(layer, index, field))} is not offered here by space ${space}`, index, field);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
