/**
 * A tiny generated dataset with learnable structure, for tests and demos: 16x16 grayscale noise with one bright
 * bar whose orientation is the class (horizontal, vertical, diagonal, anti-diagonal). Deterministic, no files.
 */
import seedrandom from 'seedrandom';
import type { Shape3 } from '../../space/types.js';
import { ConfigError } from '../../errors.js';
import { imageSet, type DatasetSpec } from './spec.js';

const SIDE = 16;
const SHAPE: Shape3 = [SIDE, SIDE, 1];
const CLASSES = ['horizontal', 'vertical', 'diagonal', 'anti-diagonal'];
/** Unit steps along each class's bar. */
const DIRECTIONS: [number, number][] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
];
const DEFAULT_COUNTS = { train: 600, test: 200 };

export const synthetic: DatasetSpec = {
  name: 'synthetic',
  shape: SHAPE,
  description: 'synthetic: 16x16 grayscale noise with a bright bar, 4 classes (bar orientation); generated in memory',
  defaultLabelMode: 'default',
  labelModes: { default: CLASSES },
  publishedCounts: DEFAULT_COUNTS,
  requiredFiles: [],
  candidateDirs: () => [],
  generated: true,
  async read(_dir, _mode, opts) {
    const train = count('trainCount', opts.synthetic?.trainCount ?? DEFAULT_COUNTS.train);
    const test = count('testCount', opts.synthetic?.testCount ?? DEFAULT_COUNTS.test);
    return { train: generate(train, 'nas-synthetic-train'), test: generate(test, 'nas-synthetic-test') };
  },
  async count() {
    return DEFAULT_COUNTS;
  },
};

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`synthetic.${name} must be a positive integer, got ${value}`);
  return value;
}

function generate(count: number, seed: string) {
  const random = seedrandom(seed);
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % CLASSES.length;
    drawExample(images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), labels[i], random);
  }
  return imageSet(images, labels, SHAPE);
}

function drawExample(pixels: Uint8Array, label: number, random: () => number): void {
  for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(random() * 70);
  const [dy, dx] = DIRECTIONS[label];
  const half = 3 + Math.floor(random() * 3);
  const margin = half + 1;
  const cy = margin + Math.floor(random() * (SIDE - 2 * margin));
  const cx = margin + Math.floor(random() * (SIDE - 2 * margin));
  const brightness = 170 + Math.floor(random() * 86);
  for (let t = -half; t <= half; t++) {
    const y = cy + t * dy;
    const x = cx + t * dx;
    pixels[y * SIDE + x] = Math.max(pixels[y * SIDE + x], brightness);
  }
}
