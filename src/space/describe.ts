/** One-line ARCH summaries for progress lines and tables, e.g. `C64k3-C128k3-Pmax2-FC256-T`. */
import type { Arch, Layer, Pair } from './types.js';

export function describeArch(arch: Arch): string {
  return arch.map(describeLayer).join('-');
}

/** An ARCH as JSON with one layer per line (a cell ARCH, which is text, as a JSON string): compact, and still read back by parseArch. */
export function archJson(arch: Arch | string): string {
  if (!Array.isArray(arch)) return JSON.stringify(arch);
  return `[\n${arch.map((layer) => `  ${JSON.stringify(layer)}`).join(',\n')}\n]`;
}

function describeLayer(layer: Layer): string {
  switch (layer.type) {
    case 'T':
      return 'T';
    case 'FC':
      return `FC${layer.num_output}${activation(layer.activation)}${layer.batch_norm ? 'bn' : ''}${dropOut(layer.drop_out)}`;
    case 'P':
      if (layer.pool === 'global_avg') return `Pgap${dropOut(layer.drop_out)}`;
      return (
        `P${layer.pool}${pair(layer.kernel_size)}` +
        (samepair(layer.stride, layer.kernel_size) ? '' : `s${pair(layer.stride)}`) +
        (layer.padding === 'valid' ? 'v' : '') +
        dropOut(layer.drop_out)
      );
    case 'C':
      return (
        `C${layer.num_output}k${pair(layer.kernel_size)}` +
        (layer.stride[0] === 1 && layer.stride[1] === 1 ? '' : `s${pair(layer.stride)}`) +
        (layer.padding === 'valid' ? 'v' : '') +
        activation(layer.activation) +
        (layer.batch_norm ? 'bn' : '') +
        (layer.skip_from === null ? '' : `+${layer.skip_from === -1 ? 'in' : layer.skip_from}`) +
        dropOut(layer.drop_out)
      );
  }
}

function activation(name: string): string {
  return name === 'relu' ? '' : `:${name}`;
}

function pair(value: Pair): string {
  return value[0] === value[1] ? String(value[0]) : `${value[0]}x${value[1]}`;
}

function samepair(a: Pair, b: Pair): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function dropOut(percent: number): string {
  return percent === 0 ? '' : `d${percent}`;
}
