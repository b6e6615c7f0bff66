/**
 * Canonical form: one spelling per architecture, so that equivalent ARCHs hash the same. Keys in a fixed
 * order, defaults filled, and rewrites that provably change nothing: padding of a 1x1 kernel ('same' and
 * 'valid' then compute the same thing), the ignored kernel / stride / padding of a global average pool,
 * and pool layers that are identities (1x1 window, stride 1, no dropout) dropped with skip indices remapped.
 */
import { createHash } from 'node:crypto';
import { parseArch } from './parse.js';
import type { Arch, Layer } from './types.js';

export function canonicalArch(input: Arch | unknown): Arch {
  const arch = parseArch(input);
  const kept: Layer[] = [];
  /** newIndex[i]: where layer i's output lives in the kept ARCH (-1: the network input). */
  const newIndex: number[] = [];
  arch.forEach((layer, index) => {
    if (isIdentity(layer)) {
      newIndex.push(index === 0 ? -1 : newIndex[index - 1]);
      return;
    }
    kept.push(canonicalLayer(layer, newIndex));
    newIndex.push(kept.length - 1);
  });
  return kept;
}

/** Stable hex hash (sha256, 16 hex digits) of the canonical JSON. */
export function archHash(arch: Arch | unknown): string {
  return hashText(JSON.stringify(canonicalArch(arch)));
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function isIdentity(layer: Layer): boolean {
  return (
    layer.type === 'P' &&
    layer.pool !== 'global_avg' &&
    layer.kernel_size[0] === 1 &&
    layer.kernel_size[1] === 1 &&
    layer.stride[0] === 1 &&
    layer.stride[1] === 1 &&
    layer.drop_out === 0
  );
}

function canonicalLayer(layer: Layer, newIndex: readonly number[]): Layer {
  switch (layer.type) {
    case 'T':
      return { type: 'T' };
    case 'FC':
      return {
        type: 'FC',
        num_output: layer.num_output,
        activation: layer.activation,
        batch_norm: layer.batch_norm,
        drop_out: layer.drop_out,
      };
    case 'P': {
      const global = layer.pool === 'global_avg';
      return {
        type: 'P',
        pool: layer.pool,
        kernel_size: global ? [1, 1] : [layer.kernel_size[0], layer.kernel_size[1]],
        stride: global ? [1, 1] : [layer.stride[0], layer.stride[1]],
        padding: global || isPointwise(layer.kernel_size) ? 'same' : layer.padding,
        drop_out: layer.drop_out,
      };
    }
    case 'C':
      return {
        type: 'C',
        num_output: layer.num_output,
        kernel_size: [layer.kernel_size[0], layer.kernel_size[1]],
        stride: [layer.stride[0], layer.stride[1]],
        activation: layer.activation,
        padding: isPointwise(layer.kernel_size) ? 'same' : layer.padding,
        batch_norm: layer.batch_norm,
        drop_out: layer.drop_out,
        skip_from: layer.skip_from === null || layer.skip_from === -1 ? layer.skip_from : newIndex[layer.skip_from],
      };
  }
}

function isPointwise(kernel: readonly number[]): boolean {
  return kernel[0] === 1 && kernel[1] === 1;
}
