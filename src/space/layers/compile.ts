/**
 * Checks a layer-space file and compiles it into per-kind field lists: the order in which a layer's fields
 * are decided, each field's values, and which fields change shapes or parameter counts ("relevant").
 */
import { SpaceError } from '../../errors.js';
import { ACTIVATIONS, PADDINGS, POOLS } from '../parse.js';
import type { DecisionKind, LayerKind, LayerSpaceDefinition, Pair } from '../types.js';

export type FieldName =
  | 'num_output'
  | 'kernel_size'
  | 'stride'
  | 'padding'
  | 'activation'
  | 'batch_norm'
  | 'drop_out'
  | 'skip_back'
  | 'pool';
export type FieldValue = number | Pair | string | boolean;
/** Stride value meaning "the pool's kernel size" (a P space without a stride list). */
export const STRIDE_IS_KERNEL = 'kernel';

export interface CompiledField {
  name: FieldName;
  values: FieldValue[];
  labels: string[];
  /** Whether the field changes an output shape or a parameter count. */
  relevant: boolean;
  /** Index into CompiledSpace.decisionKinds, or -1 for a single-valued field (never asked). */
  decisionKind: number;
}

export interface CompiledKind {
  type: LayerKind;
  fields: CompiledField[];
}

/** What the next layer follows: the start, a layer kind, or a global average pool (which may have its own rule). */
export type FollowKey = 'start' | LayerKind | 'P.global_avg';
export type Follower = LayerKind | 'stop';

export interface CompiledSpace {
  name: string;
  minLayers: number;
  maxLayers: number;
  maxFC: number;
  follows: Record<FollowKey, Follower[]>;
  /** Kinds present in the space, in the order of the 'layer' decision's labels (then 'stop'). */
  kinds: CompiledKind[];
  decisionKinds: DecisionKind[];
}

type Rule = (value: unknown) => string | null;
interface FieldRule {
  rule: Rule;
  fallback?: FieldValue[];
  relevant: boolean;
}

const positiveInt: Rule = (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : 'a positive integer');
const pairRule: Rule = (v) =>
  positiveInt(v) === null || (Array.isArray(v) && v.length === 2 && v.every((n) => positiveInt(n) === null))
    ? null
    : 'a positive integer or a pair of them';
const percent: Rule = (v) => (typeof v === 'number' && v >= 0 && v < 100 ? null : 'a percentage in [0, 100)');
const bool: Rule = (v) => (typeof v === 'boolean' ? null : 'true or false');
const skipBack: Rule = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'a non-negative integer');
const oneOf =
  (allowed: readonly string[]): Rule =>
  (v) =>
    allowed.includes(v as string) ? null : `one of ${allowed.join(', ')}`;

const FIELD_RULES: Record<LayerKind, Partial<Record<FieldName, FieldRule>>> = {
  C: {
    num_output: { rule: positiveInt, relevant: true },
    kernel_size: { rule: pairRule, relevant: true },
    stride: { rule: pairRule, fallback: [[1, 1]], relevant: true },
    padding: { rule: oneOf(PADDINGS), fallback: ['same'], relevant: true },
    batch_norm: { rule: bool, fallback: [false], relevant: true },
    activation: { rule: oneOf(ACTIVATIONS), fallback: ['relu'], relevant: false },
    skip_back: { rule: skipBack, fallback: [0], relevant: false },
    drop_out: { rule: percent, fallback: [0], relevant: false },
  },
  P: {
    pool: { rule: oneOf(POOLS), relevant: true },
    kernel_size: { rule: pairRule, fallback: [[1, 1]], relevant: true },
    stride: { rule: pairRule, fallback: [STRIDE_IS_KERNEL], relevant: true },
    padding: { rule: oneOf(PADDINGS), fallback: ['same'], relevant: true },
    drop_out: { rule: percent, fallback: [0], relevant: false },
  },
  FC: {
    num_output: { rule: positiveInt, relevant: true },
    batch_norm: { rule: bool, fallback: [false], relevant: true },
    activation: { rule: oneOf(ACTIVATIONS), fallback: ['relu'], relevant: false },
    drop_out: { rule: percent, fallback: [0], relevant: false },
  },
};

const KIND_ORDER: LayerKind[] = ['C', 'P', 'FC'];
const TOP_KEYS = ['kind', 'name', 'description', 'minLayers', 'maxLayers', 'maxFC', 'defaultMaxMacs', 'follows', 'layers'];
const DEFAULT_FOLLOWS: Record<FollowKey, Follower[]> = {
  start: ['C'],
  C: ['C', 'P', 'FC', 'stop'],
  P: ['C', 'P', 'FC', 'stop'],
  'P.global_avg': ['C', 'P', 'FC', 'stop'],
  FC: ['FC', 'stop'],
};
const FOLLOW_KEYS: FollowKey[] = ['start', 'C', 'P', 'P.global_avg', 'FC'];

/** Validates a parsed layer-space file; `where` prefixes every message (the file name). */
export function checkLayerSpace(raw: Record<string, unknown>, where: string): LayerSpaceDefinition {
  const fail = (path: string, message: string) => new SpaceError(`${where}: ${path}: ${message}`);
  for (const key of Object.keys(raw)) if (!TOP_KEYS.includes(key)) throw fail(key, `unknown field (known: ${TOP_KEYS.join(', ')})`);
  const count = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (value === undefined) throw fail(key, 'missing (required)');
    if (!Number.isInteger(value) || (value as number) < 0) throw fail(key, `must be a non-negative integer, not ${show(value)}`);
    return value as number;
  };
  const minLayers = count('minLayers');
  const maxLayers = count('maxLayers');
  if (maxLayers < Math.max(1, minLayers)) throw fail('maxLayers', `must be at least 1 and at least minLayers (${minLayers})`);
  if (maxLayers > 64) throw fail('maxLayers', `must be at most 64, not ${maxLayers}`);
  const maxFC = count('maxFC', 2);
  const defaultMaxMacs = raw.defaultMaxMacs;
  if (defaultMaxMacs !== undefined && !(Number.isInteger(defaultMaxMacs) && (defaultMaxMacs as number) > 0)) {
    throw fail('defaultMaxMacs', `must be a positive integer, not ${show(defaultMaxMacs)}`);
  }
  const layers = raw.layers;
  if (!isRecord(layers)) throw fail('layers', 'missing or not an object of C / P / FC choices');
  const kinds = Object.keys(layers);
  if (kinds.length === 0) throw fail('layers', 'names no layer kind (give C, P and/or FC choices)');
  for (const kind of kinds) {
    if (!KIND_ORDER.includes(kind as LayerKind)) throw fail(`layers.${kind}`, 'unknown layer kind (known: C, P, FC)');
    checkKind(kind as LayerKind, layers[kind], (field, message) => fail(`layers.${kind}${field ? '.' + field : ''}`, message));
  }
  const follows = checkFollows(raw.follows, kinds as LayerKind[], minLayers, fail);
  return { ...(raw as unknown as LayerSpaceDefinition), minLayers, maxLayers, maxFC, follows };
}

function checkKind(kind: LayerKind, choices: unknown, fail: (field: string, message: string) => SpaceError): void {
  if (!isRecord(choices)) throw fail('', 'must be an object of field choices');
  const rules = FIELD_RULES[kind];
  for (const [field, values] of Object.entries(choices)) {
    const rule = rules[field as FieldName];
    if (!rule) throw fail(field, `unknown field for ${kind} layers (known: ${Object.keys(rules).join(', ')})`);
    if (!Array.isArray(values) || values.length === 0) throw fail(field, 'must be a non-empty list of choices');
    values.forEach((value, i) => {
      const expected = rule.rule(value);
      if (expected) throw fail(field, `choice ${i} (${show(value)}) must be ${expected}`);
    });
    const labels = values.map(label);
    const duplicate = labels.find((l, i) => labels.indexOf(l) !== i);
    if (duplicate !== undefined) throw fail(field, `lists the choice ${duplicate} twice`);
  }
  const pools = (choices.pool as string[] | undefined) ?? [];
  for (const [field, rule] of Object.entries(rules)) {
    const optional = rule.fallback !== undefined && !(kind === 'P' && field === 'kernel_size' && pools.some((p) => p !== 'global_avg'));
    if (!optional && choices[field] === undefined) throw fail(field, 'missing (required)');
  }
  if (kind === 'C' && choices.skip_back !== undefined && !(choices.skip_back as number[]).includes(0)) {
    throw fail('skip_back', 'must include 0 (no skip)');
  }
  if (kind === 'P' && canBeIdentityPool(choices, pools)) {
    throw fail('kernel_size', 'a 1x1 pool with stride 1 and drop_out 0 is an identity layer; remove kernel 1, stride 1 or drop_out 0');
  }
}

function canBeIdentityPool(choices: Record<string, unknown>, pools: string[]): boolean {
  const isOne = (v: unknown) => v === 1 || (Array.isArray(v) && v[0] === 1 && v[1] === 1);
  const kernels = (choices.kernel_size as unknown[] | undefined) ?? [];
  const strides = choices.stride as unknown[] | undefined;
  const dropOuts = (choices.drop_out as number[] | undefined) ?? [0];
  return (
    pools.some((p) => p !== 'global_avg') &&
    kernels.some(isOne) &&
    (strides === undefined || strides.some(isOne)) &&
    dropOuts.includes(0)
  );
}

function checkFollows(
  raw: unknown,
  kinds: LayerKind[],
  minLayers: number,
  fail: (path: string, message: string) => SpaceError,
): Record<FollowKey, Follower[]> {
  if (raw === undefined) {
    return Object.fromEntries(
      Object.entries(DEFAULT_FOLLOWS).map(([key, list]) => [key, list.filter((k) => k === 'stop' || kinds.includes(k as LayerKind))]),
    ) as Record<FollowKey, Follower[]>;
  }
  if (!isRecord(raw)) throw fail('follows', 'must be an object like {"start": ["C"], "C": ["C", "P", "FC", "stop"]}');
  const result = {} as Record<FollowKey, Follower[]>;
  for (const key of FOLLOW_KEYS) {
    const list = raw[key] ?? (key === 'P.global_avg' ? result.P : key === 'start' || kinds.includes(key as LayerKind) ? undefined : []);
    if (!Array.isArray(list)) throw fail(`follows.${key}`, 'missing: list the kinds (and/or "stop") that may follow');
    for (const next of list) {
      if (next !== 'stop' && !kinds.includes(next)) throw fail(`follows.${key}`, `${show(next)} is not a layer kind of this space (or "stop")`);
      if (key === 'FC' && (next === 'C' || next === 'P')) throw fail('follows.FC', 'only FC or "stop" may follow an FC layer');
      if (key === 'start' && next === 'stop' && minLayers > 0) throw fail('follows.start', '"stop" at the start needs minLayers 0');
    }
    result[key] = list as Follower[];
  }
  for (const key of Object.keys(raw)) if (!(key in result)) throw fail(`follows.${key}`, `unknown key (known: ${FOLLOW_KEYS.join(', ')})`);
  if (result.start.length === 0) throw fail('follows.start', 'must name at least one kind');
  return result;
}

export function compileLayerSpace(space: LayerSpaceDefinition): CompiledSpace {
  const decisionKinds: DecisionKind[] = [];
  const kinds: CompiledKind[] = [];
  for (const type of KIND_ORDER) {
    const choices = space.layers[type] as Record<string, unknown[]> | undefined;
    if (!choices) continue;
    const fields = Object.entries(FIELD_RULES[type]).map(([name, rule]): CompiledField => {
      const values = (choices[name] ?? rule.fallback!).map((value) => normaliseValue(name, value));
      const decisionKind = values.length > 1 ? decisionKinds.length : -1;
      if (values.length > 1) decisionKinds.push({ name: `${type}.${name}`, labels: values.map(label) });
      return { name: name as FieldName, values, labels: values.map(label), relevant: rule.relevant, decisionKind };
    });
    kinds.push({ type, fields });
  }
  decisionKinds.unshift({ name: 'layer', labels: [...kinds.map((k) => k.type), 'stop'] });
  for (const kind of kinds) for (const field of kind.fields) if (field.decisionKind >= 0) field.decisionKind++;
  return {
    name: space.name,
    minLayers: space.minLayers,
    maxLayers: space.maxLayers,
    maxFC: space.maxFC ?? 2,
    follows: space.follows as Record<FollowKey, Follower[]>,
    kinds,
    decisionKinds,
  };
}

function normaliseValue(name: string, value: unknown): FieldValue {
  if ((name === 'kernel_size' || name === 'stride') && typeof value === 'number') return [value, value];
  if (Array.isArray(value)) return [value[0], value[1]];
  return value as FieldValue;
}

export function label(value: unknown): string {
  if (Array.isArray(value)) return value[0] === value[1] ? String(value[0]) : `${value[0]}x${value[1]}`;
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
