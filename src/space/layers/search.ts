/**
 * The lookahead behind the feasibility masks: for a state between layers (shape so far, layer and FC
 * counts, last kind), the fewest parameters any valid completion still needs (Infinity when none exists).
 * A choice is feasible when the parameters so far plus the cheapest completion through that choice stay
 * within the cap. Only "relevant" fields (those that change shapes or parameter counts) are enumerated;
 * results are memoised per state, so each distinct question is answered once per bound process.
 */
import { convParams, denseParams, outputSize } from '../cost.js';
import type { Pair, Padding, PoolKind, ProblemSpec } from '../types.js';
import { STRIDE_IS_KERNEL, type CompiledKind, type CompiledSpace, type FollowKey } from './compile.js';

export interface State {
  h: number;
  w: number;
  c: number;
  /** Units of the last FC layer; 0 while still in the conv part. */
  units: number;
  layers: number;
  fc: number;
  last: FollowKey;
  key: string;
  /** Choice costs asked at this state, by numeric question key (see fieldChoiceCosts). */
  costs: Map<number, Float64Array>;
}

export interface Step {
  params: number;
  next: State;
}


export class Lookahead {
  /** Per kind: every combination of value indices of its relevant fields (other fields 0). */
  readonly combos: number[][][];
  private readonly states = new Map<string, State>();
  private readonly completion = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  constructor(
    readonly space: CompiledSpace,
    readonly problem: ProblemSpec,
  ) {
    this.combos = space.kinds.map(relevantCombos);
  }

  start(): State {
    const [h, w, c] = this.problem.input;
    return this.state(h, w, c, 0, 0, 0, 'start');
  }

  /** The one State object of these values (interned, so that it can carry its own caches). */
  state(h: number, w: number, c: number, units: number, layers: number, fc: number, last: FollowKey): State {
    const key = `${h},${w},${c},${units},${layers},${fc},${last}`;
    let state = this.states.get(key);
    if (!state) {
      state = { h, w, c, units, layers, fc, last, key, costs: new Map() };
      this.states.set(key, state);
    }
    return state;
  }

  /** The layer of kind `kind` with field value indices `chosen` applied to `state`, or null when invalid there. */
  apply(state: State, kind: number, chosen: readonly number[]): Step | null {
    const spec = this.space.kinds[kind];
    const value = (field: number) => spec.fields[field].values[chosen[field]];
    const next = (h: number, w: number, c: number, units: number, last: FollowKey = spec.type) =>
      this.state(h, w, c, units, state.layers + 1, state.fc + (spec.type === 'FC' ? 1 : 0), last);
    if (spec.type === 'FC') {
      const units = value(0) as number;
      const inputs = state.units || state.h * state.w * state.c;
      return { params: denseParams(inputs, units, value(1) as boolean), next: next(0, 0, 0, units) };
    }
    if (state.units) return null;
    if (spec.type === 'P') {
      if ((value(0) as PoolKind) === 'global_avg') return { params: 0, next: next(1, 1, state.c, 0, 'P.global_avg') };
      const kernel = value(1) as Pair;
      const stride = value(2) === STRIDE_IS_KERNEL ? kernel : (value(2) as Pair);
      const [h, w] = spatial(state, kernel, stride, value(3) as Padding);
      return h < 1 || w < 1 ? null : { params: 0, next: next(h, w, state.c, 0) };
    }
    const kernel = value(1) as Pair;
    const [h, w] = spatial(state, kernel, value(2) as Pair, value(3) as Padding);
    if (h < 1 || w < 1) return null;
    const filters = value(0) as number;
    return { params: convParams(kernel, state.c, filters, value(4) as boolean), next: next(h, w, filters, 0) };
  }

  terminalParams(state: State): number {
    const inputs = state.units || state.h * state.w * state.c;
    return denseParams(inputs, this.problem.classes, false);
  }

  canStop(state: State): boolean {
    return state.layers >= this.space.minLayers && this.space.follows[state.last].includes('stop');
  }

  /** Kinds (indices into space.kinds) that may come next; empty at the layer limit. */
  nextKinds(state: State): number[] {
    if (state.layers >= this.space.maxLayers) return [];
    const kinds: number[] = [];
    this.space.kinds.forEach((spec, index) => {
      if (!this.space.follows[state.last].includes(spec.type)) return;
      if (spec.type === 'FC' && state.fc >= this.space.maxFC) return;
      if (spec.type !== 'FC' && state.units) return;
      kinds.push(index);
    });
    return kinds;
  }

  /** Fewest parameters of any valid completion from `state` (T included); Infinity when there is none. */
  minCompletion(state: State): number {
    const known = this.completion.get(state.key);
    if (known !== undefined) return known;
    let best = this.canStop(state) ? this.terminalParams(state) : Infinity;
    for (const kind of this.nextKinds(state)) {
      for (const combo of this.combos[kind]) best = Math.min(best, this.throughLayer(state, kind, combo));
    }
    this.completion.set(state.key, best);
    return best;
  }

  /** Per choice of the 'layer' decision (kinds, then stop): the cheapest completion through it. */
  layerChoiceCosts(state: State): Float64Array {
    let costs = state.costs.get(-1);
    if (!costs) {
      costs = new Float64Array(this.space.kinds.length + 1).fill(Infinity);
      for (const kind of this.nextKinds(state)) {
        for (const combo of this.combos[kind]) costs[kind] = Math.min(costs[kind], this.throughLayer(state, kind, combo));
      }
      if (this.canStop(state)) costs[this.space.kinds.length] = this.terminalParams(state);
      state.costs.set(-1, costs);
    }
    return costs;
  }

  /**
   * Per value of field `field` of a layer of kind `kind` whose fields before `field` are `chosen`: the
   * cheapest completion through it. An irrelevant field's values all cost the same.
   */
  fieldChoiceCosts(state: State, kind: number, chosen: readonly number[], field: number): Float64Array {
    const spec = this.space.kinds[kind];
    let key = 0;
    for (let i = 0; i < field; i++) if (spec.fields[i].relevant) key = key * (spec.fields[i].values.length + 1) + chosen[i] + 1;
    key = (key * 64 + field) * 4 + kind;
    let costs = state.costs.get(key);
    if (!costs) {
      const decided = spec.fields.map((f, i) => (i < field && f.relevant ? chosen[i] : -1));
      const target = spec.fields[field];
      costs = new Float64Array(target.values.length).fill(Infinity);
      for (const combo of this.combos[kind]) {
        if (!decided.every((d, i) => d < 0 || d === combo[i] || ignoredByPool(spec, combo, i))) continue;
        const cost = this.throughLayer(state, kind, combo);
        if (target.relevant) costs[combo[field]] = Math.min(costs[combo[field]], cost);
        else for (let i = 0; i < costs.length; i++) costs[i] = Math.min(costs[i], cost);
      }
      state.costs.set(key, costs);
    }
    return costs;
  }

  /** How many complete decision sequences start at `state` (skip choices estimated, see countLayer). */
  countFrom(state: State): number {
    const known = this.counts.get(state.key);
    if (known !== undefined) return known;
    let total = this.canStop(state) ? 1 : 0;
    for (const kind of this.nextKinds(state)) {
      for (const combo of this.combos[kind]) {
        const step = this.apply(state, kind, combo);
        if (step && Number.isFinite(this.minCompletion(step.next))) {
          total += countLayer(this.space.kinds[kind], state, step.next) * this.countFrom(step.next);
        }
      }
    }
    this.counts.set(state.key, total);
    return total;
  }

  private throughLayer(state: State, kind: number, combo: readonly number[]): number {
    const step = this.apply(state, kind, combo);
    return step ? step.params + this.minCompletion(step.next) : Infinity;
  }
}

/** Kernel, stride and padding mean nothing to a global average pool, so any value of them matches. */
export function ignoredByPool(spec: CompiledKind, chosen: readonly number[], field: number): boolean {
  return spec.type === 'P' && field >= 1 && field <= 3 && spec.fields[0].values[chosen[0]] === 'global_avg';
}

function spatial(state: State, kernel: Pair, stride: Pair, padding: Padding): [number, number] {
  return [outputSize(state.h, kernel[0], stride[0], padding), outputSize(state.w, kernel[1], stride[1], padding)];
}

function relevantCombos(spec: CompiledKind): number[][] {
  let combos: number[][] = [[]];
  spec.fields.forEach((field, i) => {
    const count = field.relevant ? field.values.length : 1;
    combos = combos.flatMap((combo) =>
      Array.from({ length: count }, (_, v) => [...combo, v]).filter((c) => c[i] === 0 || !ignoredByPool(spec, c, i)),
    );
  });
  return combos;
}

/**
 * The number of decision sequences for one layer with given relevant fields: the product of its irrelevant
 * fields' choice counts. Skip offsets are counted when the layer keeps its input's shape (then offset 1
 * certainly fits; deeper offsets are assumed to), which makes the total an estimate.
 */
function countLayer(spec: CompiledKind, before: State, after: State): number {
  let count = 1;
  for (const field of spec.fields) {
    if (field.relevant) continue;
    if (field.name !== 'skip_back') count *= field.values.length;
    else if (before.h === after.h && before.w === after.w && before.c === after.c && !before.units) count *= field.values.length;
  }
  return count;
}
