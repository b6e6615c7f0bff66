/** The options of a dataset given as a path (--image-size, --channels, --test-fraction): checks and defaults. */
import { ConfigError } from '../../errors.js';
import { inOpenUnit } from '../../checks.js';
import { DATASET_NAMES } from '../registry.js';
import { isDatasetPath } from './path.js';

/** The default image size is the most common one, scaled down (aspect ratio kept) to at most this many pixels a side. */
export const DEFAULT_MAX_SIDE = 64;
/** The largest --image-size side. */
export const MAX_IMAGE_SIDE = 1024;
/** The default share of a dataset without its own test split that is held out as the test set. */
export const DEFAULT_TEST_FRACTION = 0.2;
/** Images with more pixels than this are refused before they are decoded (a decompression bomb); Pillow's limit. */
export const MAX_IMAGE_PIXELS = 178_956_970;
/** Labels are stored as bytes. */
export const MAX_CLASSES = 256;

/** `HxW` or `N` (square) -> [H, W], each side 1 to MAX_IMAGE_SIDE. */
export function imageSize(option: string, value: unknown): [number, number] {
  const match = typeof value === 'string' ? /^\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?$/.exec(value) : null;
  const sides = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [];
  if (sides.length !== 2 || sides.some((side) => !(side >= 1 && side <= MAX_IMAGE_SIDE))) {
    throw new ConfigError(`${option} must be HxW (e.g. 32x32) with sides from 1 to ${MAX_IMAGE_SIDE}, not '${String(value)}'`);
  }
  return sides as [number, number];
}

export function channelCount(option: string, value: unknown): 1 | 3 {
  if (value !== 1 && value !== 3) throw new ConfigError(`${option} must be 1 (grayscale) or 3 (RGB), not ${String(value)}`);
  return value;
}

export function testFraction(option: string, value: unknown): number {
  return inOpenUnit(option, value);
}

/** The default size: the most common one, scaled so that neither side exceeds DEFAULT_MAX_SIDE. */
export function defaultImageSize(sizes: Iterable<[number, number]>): [number, number] {
  const counts = new Map<string, number>();
  for (const [h, w] of sizes) counts.set(`${h}x${w}`, (counts.get(`${h}x${w}`) ?? 0) + 1);
  // Most common first; ties go to the larger image, then the taller one, so the choice never depends on file order.
  const [best] = [...counts.entries()].sort(([a, m], [b, n]) => n - m || area(b) - area(a) || side(b) - side(a));
  if (!best) throw new ConfigError('no image to take a default size from');
  const [h, w] = best[0].split('x').map(Number) as [number, number];
  const scale = Math.min(1, DEFAULT_MAX_SIDE / Math.max(h, w));
  return [Math.max(1, Math.round(h * scale)), Math.max(1, Math.round(w * scale))];
}

const area = (key: string): number => key.split('x').map(Number).reduce((a, b) => a * b, 1);
const side = (key: string): number => Number(key.split('x')[0]);

/** --dataset: a shipped name, or a path (see isDatasetPath). */
export function datasetNameOrPath(option: string, value: unknown): string {
  if (typeof value === 'string' && value !== '' && isDatasetPath(value)) return value;
  if (typeof value === 'string' && (DATASET_NAMES as readonly string[]).includes(value)) return value;
  throw new ConfigError(`${option} must be one of ${DATASET_NAMES.join(', ')}, or a path (a folder of images, an .npz or a .csv file), not '${String(value)}'`);
}
