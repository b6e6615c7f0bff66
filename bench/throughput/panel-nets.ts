/**
 * The throughput panel of issue 20: the networks the search proposes, as ARCH files in bench/throughput/panel/,
 * with their input shapes, MACs and the shapes of their weighted layers (for ceiling.ts).
 *
 * p1-p5, h1, h2 are copies of ../shared/reference/throughput-panel/*.json. c1 was sampled from
 * experiments/spaces/cifar-deep.json (`nas space sample cifar-deep --input 32x32x3 --classes 10 --count 6
 * --seed 1`, the sixth candidate, hash 82969918b09a9862); w1 (a wide FC head after a small conv stack) is one
 * that experiments/spaces/seed-cnn.json can propose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeArch, inferCost, parseArch, type Arch, type Shape3 } from '../../src/space/index.js';
import { packageRoot } from '../../src/util/paths.js';

export interface PanelEntry {
  name: string;
  input: Shape3;
  /** Where the net comes from, for the tables. */
  origin: string;
}

export const PANEL: PanelEntry[] = [
  { name: 'p1', input: [28, 28, 1], origin: 'issue 20' },
  { name: 'p2', input: [28, 28, 1], origin: 'issue 20' },
  { name: 'p3', input: [28, 28, 1], origin: 'issue 20' },
  { name: 'p4', input: [28, 28, 1], origin: 'issue 20' },
  { name: 'p5', input: [28, 28, 1], origin: 'issue 20' },
  { name: 'h1', input: [28, 28, 1], origin: 'issue 20, residual' },
  { name: 'h2', input: [32, 32, 3], origin: 'issue 20, residual' },
  { name: 'c1', input: [32, 32, 3], origin: 'sampled from cifar-deep' },
  { name: 'w1', input: [28, 28, 1], origin: 'wide FC head (seed-cnn)' },
];

export const CLASSES = 10;

/** A convolution or a dense product of a net, with what its forward pass multiplies at batch 1. */
export interface WeightedLayer {
  kind: 'conv' | 'dense';
  /** conv: [h, w, c] of its input; dense: [inputs]. */
  inShape: number[];
  outputs: number;
  kernel: [number, number];
  stride: [number, number];
  padding: 'same' | 'valid';
  macs: number;
  /** The network's first weighted layer: its input gradient is never computed. */
  first: boolean;
}

export interface PanelNet extends PanelEntry {
  file: string;
  arch: Arch;
  label: string;
  macs: number;
  params: number;
  /** Output shape of every layer, as inferCost gives it ([h, w, c] or [units]). */
  shapes: number[][];
  layers: WeightedLayer[];
}

export function panelDir(): string {
  return path.join(packageRoot(), 'bench', 'throughput', 'panel');
}

export function loadPanel(names?: string[]): PanelNet[] {
  const chosen = names === undefined ? PANEL : names.map((name) => {
    const entry = PANEL.find((e) => e.name === name);
    if (entry === undefined) throw new Error(`no panel net '${name}' (there are ${PANEL.map((e) => e.name).join(', ')})`);
    return entry;
  });
  return chosen.map((entry) => {
    const file = path.join(panelDir(), `${entry.name}.json`);
    const arch = parseArch(JSON.parse(fs.readFileSync(file, 'utf8')));
    const cost = inferCost(arch, entry.input, CLASSES);
    const shapes = cost.layers.map((l) => l.outputShape);
    return { ...entry, file, arch, label: describeArch(arch), macs: cost.macs, params: cost.params, shapes, layers: weightedLayers(arch, entry.input, shapes) };
  });
}

function weightedLayers(arch: Arch, input: Shape3, shapes: number[][]): WeightedLayer[] {
  const layers: WeightedLayer[] = [];
  arch.forEach((layer, i) => {
    const inShape = i === 0 ? [...input] : shapes[i - 1];
    const flat = inShape.reduce((a, b) => a * b, 1);
    const first = layers.length === 0;
    if (layer.type === 'C') {
      const out = shapes[i];
      const macs = out[0] * out[1] * layer.kernel_size[0] * layer.kernel_size[1] * inShape[2] * layer.num_output;
      layers.push({ kind: 'conv', inShape, outputs: layer.num_output, kernel: layer.kernel_size, stride: layer.stride, padding: layer.padding, macs, first });
    } else if (layer.type === 'FC' || layer.type === 'T') {
      const outputs = layer.type === 'T' ? CLASSES : layer.num_output;
      layers.push({ kind: 'dense', inShape: [flat], outputs, kernel: [1, 1], stride: [1, 1], padding: 'valid', macs: flat * outputs, first });
    }
  });
  return layers;
}

/** A key naming a layer's shape: layers with the same key are timed once. */
export function shapeKey(l: WeightedLayer): string {
  return l.kind === 'conv'
    ? `conv ${l.inShape.join('x')} k${l.kernel.join('x')} s${l.stride.join('x')} ${l.padding} -> ${l.outputs}`
    : `dense ${l.inShape[0]} -> ${l.outputs}`;
}

export function geomean(values: number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}
