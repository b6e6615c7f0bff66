/**
 * Reading an ARCH: text (JSON or Python-literal) or a JS value in, a normalised Arch out (every optional field
 * filled, kernel and stride as [h, w], T appended when missing), or an ArchError naming layer and field.
 */
import { escapeControls } from '../checks.js';
import { ArchError } from '../errors.js';
import { MAX_NESTING, parseLiteral } from './literal.js';
import { MAX_FILE_BYTES, OVER_LIMIT, readAtMost } from './read-file.js';
import type { Activation, Arch, ConvLayer, DenseLayer, Layer, Pair, Padding, PoolKind, PoolLayer } from './types.js';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear'];
export const PADDINGS: readonly Padding[] = ['same', 'valid'];
export const POOLS: readonly PoolKind[] = ['max', 'avg', 'global_avg'];
const TYPES = ['C', 'P', 'FC', 'T'] as const;

const FIELDS: Record<Layer['type'], readonly string[]> = {
  C: ['type', 'num_output', 'kernel_size', 'stride', 'activation', 'padding', 'batch_norm', 'drop_out', 'skip_from'],
  P: ['type', 'pool', 'kernel_size', 'stride', 'padding', 'drop_out'],
  FC: ['type', 'num_output', 'activation', 'batch_norm', 'drop_out'],
  T: ['type', 'activation'],
};

export function parseArch(input: string | unknown): Arch {
  const value = typeof input === 'string' ? readText(input) : checkNesting(input);
  if (!Array.isArray(value)) throw new ArchError('an ARCH must be a list of layers');
  if (value.length === 0) throw new ArchError('the ARCH has no layers');
  const arch = value.map((raw, index) => normaliseLayer(raw, index));
  checkOrder(arch);
  if (arch[arch.length - 1].type !== 'T') arch.push({ type: 'T' });
  return arch;
}

export function loadArchFile(file: string): Arch {
  const text = readArchFile(file);
  try {
    return parseArch(text);
  } catch (error) {
    if (error instanceof ArchError) throw new ArchError(`${file}: ${error.message}`);
    throw error;
  }
}

function readArchFile(file: string): string {
  let text: string | undefined;
  try {
    text = readAtMost(file);
  } catch (error) {
    throw new ArchError(`cannot read ARCH file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (text === undefined) throw new ArchError(`${file}: the ARCH file is ${OVER_LIMIT}`);
  return text;
}

function readText(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) throw new ArchError(`the ARCH text is ${OVER_LIMIT}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseLiteral(text);
  }
  return checkNesting(value);
}

/** Refuses lists and dicts nested deeper than the literal reader allows (walked without recursion). */
function checkNesting(value: unknown): unknown {
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_NESTING) throw new ArchError(`lists and dicts nested more than ${MAX_NESTING} deep`);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return value;
}

function normaliseLayer(raw: unknown, index: number): Layer {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ArchError('a layer must be a dict / object', index);
  }
  const fields = new FieldReader(raw as Record<string, unknown>, index);
  const type = fields.oneOf('type', TYPES, undefined);
  fields.rejectUnknown(FIELDS[type]);
  switch (type) {
    case 'C':
      return convLayer(fields, index);
    case 'P':
      return poolLayer(fields);
    case 'FC':
      return denseLayer(fields);
    case 'T':
      if (fields.has('activation')) fields.oneOf('activation', ['softmax', null] as const, null);
      return { type: 'T' };
  }
}

function convLayer(fields: FieldReader, index: number): ConvLayer {
  const skip = fields.raw('skip_from') ?? null;
  if (skip !== null && (!Number.isInteger(skip) || (skip as number) < -1 || (skip as number) >= index)) {
    throw fields.error('skip_from', `must be null, -1 (the network input) or the index of an earlier layer, not ${show(skip)}`);
  }
  return {
    type: 'C',
    num_output: fields.positiveInt('num_output', undefined),
    kernel_size: fields.pair('kernel_size', undefined),
    stride: fields.pair('stride', [1, 1]),
    activation: fields.activation(),
    padding: fields.oneOf('padding', PADDINGS, 'same'),
    batch_norm: fields.boolean('batch_norm'),
    drop_out: fields.dropOut(),
    skip_from: skip as number | null,
  };
}

function poolLayer(fields: FieldReader): PoolLayer {
  const pool = fields.oneOf('pool', POOLS, undefined);
  if (pool === 'global_avg') {
    return {
      type: 'P',
      pool,
      kernel_size: fields.pair('kernel_size', [1, 1]),
      stride: fields.pair('stride', [1, 1]),
      padding: fields.oneOf('padding', PADDINGS, 'same'),
      drop_out: fields.dropOut(),
    };
  }
  const kernel = fields.pair('kernel_size', undefined);
  return {
    type: 'P',
    pool,
    kernel_size: kernel,
    stride: fields.pair('stride', kernel),
    padding: fields.oneOf('padding', PADDINGS, 'same'),
    drop_out: fields.dropOut(),
  };
}

function denseLayer(fields: FieldReader): DenseLayer {
  return {
    type: 'FC',
    num_output: fields.positiveInt('num_output', undefined),
    activation: fields.activation(),
    batch_norm: fields.boolean('batch_norm'),
    drop_out: fields.dropOut(),
  };
}

/** Structure that needs no input shape: T only last, no conv or pool after an FC. */
export function checkOrder(arch: readonly Layer[]): void {
  let seenDense = false;
  arch.forEach((layer, index) => {
    if (layer.type === 'T' && index !== arch.length - 1) {
      throw new ArchError('a T layer must be the last layer', index, 'type');
    }
    if ((layer.type === 'C' || layer.type === 'P') && seenDense) {
      throw new ArchError(`a ${layer.type} layer cannot follow an FC layer (FC layers come after the conv part)`, index, 'type');
    }
    if (layer.type === 'FC') seenDense = true;
  });
}

class FieldReader {
  constructor(
    private readonly fields: Record<string, unknown>,
    private readonly index: number,
  ) {}

  has(name: string): boolean {
    return Object.hasOwn(this.fields, name);
  }

  raw(name: string): unknown {
    return this.has(name) ? this.fields[name] : undefined;
  }

  rejectUnknown(known: readonly string[]): void {
    const type = this.fields.type as string;
    for (const name of Object.keys(this.fields)) {
      if (!known.includes(name)) {
        throw this.error(name, `unknown field for a ${type} layer (known: ${known.join(', ')})`);
      }
    }
  }

  oneOf<T extends string | null>(name: string, allowed: readonly T[], fallback: T | undefined): T {
    const value = this.required(name, fallback);
    if (!allowed.includes(value as T)) {
      throw this.error(name, `must be one of ${allowed.map(show).join(', ')}, not ${show(value)}`);
    }
    return value as T;
  }

  activation(): Activation {
    const value = this.raw('activation');
    if (value === null) return 'linear';
    return this.oneOf('activation', ACTIVATIONS, 'relu');
  }

  positiveInt(name: string, fallback: number | undefined): number {
    const value = this.required(name, fallback);
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw this.error(name, `must be a positive integer, not ${show(value)}`);
    }
    return value as number;
  }

  pair(name: string, fallback: Pair | undefined): Pair {
    const value = this.required(name, fallback);
    const pair = Array.isArray(value) ? value : [value, value];
    if (pair.length !== 2 || !pair.every((n) => Number.isInteger(n) && n >= 1)) {
      throw this.error(name, `must be a positive integer or a pair of them, not ${show(value)}`);
    }
    return [pair[0], pair[1]];
  }

  boolean(name: string): boolean {
    const value = this.raw(name) ?? false;
    if (typeof value !== 'boolean') throw this.error(name, `must be true or false, not ${show(value)}`);
    return value;
  }

  dropOut(): number {
    const value = this.raw('drop_out') ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 100) {
      throw this.error('drop_out', `must be a percentage in [0, 100), not ${show(value)}`);
    }
    return value;
  }

  error(name: string, message: string): ArchError {
    return new ArchError(message, this.index, clip(escapeControls(name)));
  }

  private required<T>(name: string, fallback: T | undefined): unknown {
    const value = this.raw(name);
    if (value !== undefined) return value;
    if (fallback === undefined) throw this.error(name, 'missing (required)');
    return fallback;
  }
}

const SHOWN_CHARS = 60;

/** A value as a message shows it: control characters escaped, long values cut. */
function show(value: unknown): string {
  return clip(escapeControls(typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value))));
}

function clip(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 3)}...` : text;
}
