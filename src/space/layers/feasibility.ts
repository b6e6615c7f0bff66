/**
 * The lookahead behind the feasibility masks: for a state between layers (shape so far, layer and FC
 * counts, last kind), the cheapest valid completions: a Pareto frontier of (parameters, MACs) pairs, T
 * included (empty when none exists). With one cap (or none) only that quantity is tracked and the frontier
 * is a single point; with both caps the cheapest-parameter and cheapest-MAC completions can differ, so the
 * whole frontier is kept (points over a cap dropped). A choice is feasible when the costs so far plus some
 * point of the frontier through that choice stay within both caps: exact, so no choice leads to a dead end. Only "relevant" fields (those that change shapes or parameter counts) are enumerated;
 * results are memoised per state, so each distinct question is answered once per bound process.
 */
import { convParams, denseParams, MAX_TENSOR_VALUES, outputSize } from '../cost.js';
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
  costs: Map<number, Frontier[]>;
}

export interface Step {
  params: number;
  macs: number;
  next: State;
}

/** Nondominated (parameters, MACs) completion costs, by parameters ascending (MACs strictly descending). */
export type Frontier = readonly (readonly [number, number])[];

export interface Caps {
  params: number;
  macs: number;
}

/** The caps of a problem (Infinity where none). */
export function capsOf(problem: ProblemSpec): Caps {
  return { params: problem.maxParams ?? Infinity, macs: problem.maxMacs ?? Infinity };
}

/** True when costs so far plus some point of the frontier stay within both caps. */
export function fits(frontier: Frontier, params: number, macs: number, caps: Caps): boolean {
  return frontier.some(([p, m]) => params + p <= caps.params && macs + m <= caps.macs);
}

export class Lookahead {
  /** Per kind: every combination of value indices of its relevant fields (other fields 0). */
  readonly combos: number[][][];
  private readonly states = new Map<string, State>();
  private readonly completion = new Map<string, Frontier>();
  private readonly counts = new Map<string, number>();
  private readonly caps: Caps;
  /** Which quantities the frontiers track: parameters unless only a MAC cap is given; MACs when capped. */
  private readonly tracksParams: boolean;
  private readonly tracksMacs: boolean;

  constructor(
    readonly space: CompiledSpace,
    readonly problem: ProblemSpec,
  ) {
    this.combos = space.kinds.map(relevantCombos);
    this.caps = capsOf(problem);
    this.tracksMacs = problem.maxMacs !== undefined;
    this.tracksParams = problem.maxParams !== undefined || !this.tracksMacs;
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
      if (inputs * units > MAX_TENSOR_VALUES) return null;
      return { params: denseParams(inputs, units, value(1) as boolean), macs: inputs * units, next: next(0, 0, 0, units) };
    }
    if (state.units) return null;
    if (spec.type === 'P') {
      if ((value(0) as PoolKind) === 'global_avg') return { params: 0, macs: 0, next: next(1, 1, state.c, 0, 'P.global_avg') };
      const kernel = value(1) as Pair;
      const stride = value(2) === STRIDE_IS_KERNEL ? kernel : (value(2) as Pair);
      const [h, w] = spatial(state, kernel, stride, value(3) as Padding);
      return h < 1 || w < 1 ? null : { params: 0, macs: 0, next: next(h, w, state.c, 0) };
    }
    const kernel = value(1) as Pair;
    const [h, w] = spatial(state, kernel, value(2) as Pair, value(3) as Padding);
    if (h < 1 || w < 1) return null;
    const filters = value(0) as number;
    if (Math.max(kernel[0] * kernel[1] * state.c, h * w) * filters > MAX_TENSOR_VALUES) return null;
    const macs = h * w * kernel[0] * kernel[1] * state.c * filters;
    return { params: convParams(kernel, state.c, filters, value(4) as boolean), macs, next: next(h, w, filters, 0) };
  }

  /** The cost of stopping here: the T layer alone. */
  terminal(state: State): Frontier {
    const inputs = state.units || state.h * state.w * state.c;
    if (inputs * this.problem.classes > MAX_TENSOR_VALUES) return [];
    return this.prune([this.point(denseParams(inputs, this.problem.classes, false), inputs * this.problem.classes)]);
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

  /** The cheapest valid completions from `state` (T included) within the caps; empty when there is none. */
  minCompletion(state: State): Frontier {
    const known = this.completion.get(state.key);
    if (known !== undefined) return known;
    const points: (readonly [number, number])[] = this.canStop(state) ? [...this.terminal(state)] : [];
    for (const kind of this.nextKinds(state)) {
      for (const combo of this.combos[kind]) points.push(...this.throughLayer(state, kind, combo));
    }
    const best = this.prune(points);
    this.completion.set(state.key, best);
    return best;
  }

  /** Per choice of the 'layer' decision (kinds, then stop): the cheapest completions through it. */
  layerChoiceCosts(state: State): Frontier[] {
    let costs = state.costs.get(-1);
    if (!costs) {
      const points: (readonly [number, number])[][] = Array.from({ length: this.space.kinds.length + 1 }, () => []);
      for (const kind of this.nextKinds(state)) {
        for (const combo of this.combos[kind]) points[kind].push(...this.throughLayer(state, kind, combo));
      }
      if (this.canStop(state)) points[this.space.kinds.length].push(...this.terminal(state));
      costs = points.map((p) => this.prune(p));
      state.costs.set(-1, costs);
    }
    return costs;
  }

  /**
   * Per value of field `field` of a layer of kind `kind` whose fields before `field` are `chosen`: the
   * cheapest completion through it. An irrelevant field's values all cost the same.
   */
  fieldChoiceCosts(state: State, kind: number, chosen: readonly number[], field: number): Frontier[] {
    const spec = this.space.kinds[kind];
    let key = 0;
    for (let i = 0; i < field; i++) if (spec.fields[i].relevant) key = key * (spec.fields[i].values.length + 1) + chosen[i] + 1;
    key = (key * 64 + field) * 4 + kind;
    let costs = state.costs.get(key);
    if (!costs) {
      const decided = spec.fields.map((f, i) => (i < field && f.relevant ? chosen[i] : -1));
      const target = spec.fields[field];
      const points: (readonly [number, number])[][] = target.values.map(() => []);
      for (const combo of this.combos[kind]) {
        if (!decided.every((d, i) => d < 0 || d === combo[i] || ignoredByPool(spec, combo, i))) continue;
        const through = this.throughLayer(state, kind, combo);
        if (target.relevant) points[combo[field]].push(...through);
        else for (const list of points) list.push(...through);
      }
      costs = points.map((p) => this.prune(p));
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
        if (step && this.minCompletion(step.next).length > 0) {
          total += countLayer(this.space.kinds[kind], state, step.next) * this.countFrom(step.next);
        }
      }
    }
    this.counts.set(state.key, total);
    return total;
  }

  private throughLayer(state: State, kind: number, combo: readonly number[]): Frontier {
    const step = this.apply(state, kind, combo);
    if (!step) return [];
    const [params, macs] = this.point(step.params, step.macs);
    return this.minCompletion(step.next).map(([p, m]) => [p + params, m + macs] as const);
  }

  private point(params: number, macs: number): readonly [number, number] {
    return [this.tracksParams ? params : 0, this.tracksMacs ? macs : 0];
  }

  /** The nondominated points within the caps, by parameters ascending. */
  private prune(points: readonly (readonly [number, number])[]): Frontier {
    const sorted = points.filter(([p, m]) => p <= this.caps.params && m <= this.caps.macs).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const frontier: (readonly [number, number])[] = [];
    for (const point of sorted) if (frontier.length === 0 || point[1] < frontier[frontier.length - 1][1]) frontier.push(point);
    return frontier;
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
