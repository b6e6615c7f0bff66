/**
 * Self-describing model folders: model.json + weights.bin with the input normalisation baked in (raw 0-255 pixels
 * go straight in), labels.json (the class names, in output order) and preprocessing.json (what the model takes and
 * what its statistics were computed on). `nas replay` and `nas train` write one where they save the model;
 * `nas export` writes one anew from a replay's saved model and the statistics its record keeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { infoOf, type DatasetDescriptor } from '../data/index.js';
import type { Shape3 } from '../space/types.js';
import { NORMALISE_LAYER, saveWithInputNormalisation } from '../trainer/index.js';
import type { TrainResult } from '../trainer/types.js';
import type { FullTraining } from './full-training.js';

export const LABELS_FILE = 'labels.json';
export const PREPROCESSING_FILE = 'preprocessing.json';
export const PREPROCESSING_FORMAT = 'nas-preprocessing/1';
export const EXPORT_FILES = ['model.json', 'weights.bin', LABELS_FILE, PREPROCESSING_FILE] as const;

/** What a model's training statistics were computed on: the training images of one full training. */
export interface StatisticsSource {
  dataset: string;
  labelMode: string | null;
  /** Which examples: the training split, validation part included (a full training trains on both). */
  split: 'train + validation';
  /** How many images, after --train-limit. */
  images: number;
  /** The --train-limit of the training, null for the whole training split. */
  trainLimit: number | null;
  valFraction: number;
  splitSeed: number;
}

/** The contents of preprocessing.json. */
export interface Preprocessing {
  format: typeof PREPROCESSING_FORMAT;
  input: {
    /** [height, width, channels] of one image; a batch is [N, height, width, channels]. */
    shape: Shape3;
    channelOrder: 'HWC';
    colour: 'grayscale' | 'rgb' | 'other';
    dtype: 'float32';
    /** The model takes raw pixel values as they are in the image files: 0 to 255, not divided by 255. */
    pixels: 'raw';
    range: [0, 255];
    /** The normalisation below happens inside the model (its layer `normalisation.layer`): apply none yourself. */
    normalisedInModel: true;
  };
  normalisation: {
    formula: '(pixel / 255 - mean[c]) / std[c]';
    /** Per channel, of pixel / 255. */
    mean: number[];
    std: number[];
    layer: typeof NORMALISE_LAYER;
    computedOn: StatisticsSource;
  };
  /**
   * How images of another size are brought to `input.shape`: null for the built-in datasets, whose images all
   * have that size already; image folders say how they were resized when read.
   */
  resize: Record<string, unknown> | null;
  output: { activation: 'softmax'; classes: number; labels: typeof LABELS_FILE };
}

/** What a replay record keeps (in its settings) to export its model again: preprocessing.json and labels.json. */
export interface StoredExport {
  preprocessing: Preprocessing;
  labels: string[];
}

/**
 * After a full training that saved its model: bakes the normalisation into the saved model (in place), writes
 * labels.json and preprocessing.json beside it, and returns what the replay record keeps.
 */
export async function exportTrainedModel(request: FullTraining, result: TrainResult): Promise<StoredExport | undefined> {
  if (result.modelPath === undefined) return undefined;
  if (!result.normalisation) throw new Error('the trainer saved a model without its normalisation');
  const info = infoOf(request);
  const { mean, std, images } = result.normalisation;
  const stored: StoredExport = {
    labels: info.classNames,
    preprocessing: describePreprocessing(info.inputShape, info.classNames.length, { mean, std }, {
      dataset: request.dataset,
      labelMode: info.labelMode ?? null,
      split: 'train + validation',
      images,
      trainLimit: request.trainLimit ?? null,
      valFraction: request.valFraction,
      splitSeed: request.splitSeed,
    }, resizeRuleOf(request.datasetDescriptor)),
  };
  await writeExport(result.modelPath, result.modelPath, stored);
  return stored;
}

/**
 * How the images of an image folder were brought to the input size when nas read them (src/data/custom/decode.ts),
 * for a page to do the same to its own images; null for arrays (.npz, CSV) and the built-in datasets.
 */
export function resizeRuleOf(descriptor: DatasetDescriptor | undefined): Record<string, unknown> | null {
  if (descriptor?.kind !== 'folder') return null;
  const [height, width, channels] = descriptor.shape;
  return {
    height,
    width,
    fit: 'fill: stretched to height x width, the aspect ratio not kept',
    kernel: "lanczos3 (sharp's default)",
    alpha: 'flattened onto black',
    colour: channels === 1 ? 'grayscale' : 'sRGB',
  };
}

export function describePreprocessing(
  shape: Shape3,
  classes: number,
  stats: { mean: number[]; std: number[] },
  computedOn: StatisticsSource,
  resize: Record<string, unknown> | null = null,
): Preprocessing {
  const channels = shape[2];
  return {
    format: PREPROCESSING_FORMAT,
    input: {
      shape: [...shape],
      channelOrder: 'HWC',
      colour: channels === 1 ? 'grayscale' : channels === 3 ? 'rgb' : 'other',
      dtype: 'float32',
      pixels: 'raw',
      range: [0, 255],
      normalisedInModel: true,
    },
    normalisation: { formula: '(pixel / 255 - mean[c]) / std[c]', mean: [...stats.mean], std: [...stats.std], layer: NORMALISE_LAYER, computedOn },
    resize,
    output: { activation: 'softmax', classes, labels: LABELS_FILE },
  };
}

/**
 * Writes the export of the model saved in `from` to the folder `to` (which may be `from`): the model with its
 * normalisation baked in (left as it is when it has it already), labels.json and preprocessing.json.
 */
export async function writeExport(from: string, to: string, stored: StoredExport): Promise<void> {
  const { mean, std } = stored.preprocessing.normalisation;
  await saveWithInputNormalisation(from, to, { mean, std });
  writeJson(path.join(to, LABELS_FILE), stored.labels);
  writeJson(path.join(to, PREPROCESSING_FILE), stored.preprocessing);
}

function writeJson(file: string, value: unknown): void {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(partial, file);
}
