/**
 * Image decoding with sharp (libvips), one file at a time, in this process for small folders and in the decode
 * workers (decode-worker.ts) for large ones. 'decode' turns each file into uint8 HWC pixels of the target size and
 * channel count. 'probe' reads each header (size, grayscale or not), for the defaults, and decodes the small images
 * at their own size and type with the very same pipeline, so that a folder whose images already have the size and
 * type chosen is decoded once. Plain 8-bit PNGs of the size and type wanted skip libvips (png-plain.ts). A file
 * that cannot be read or decoded is an outcome, not an error; an image over the pixel limit (a decompression bomb)
 * is flagged from its header, before any of its pixels are decoded.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Metadata, Sharp, default as SharpModule } from 'sharp';
import { plainPng } from './png-plain.js';

export interface DecodeTarget {
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface DecodeBatch {
  files: string[];
  mode: 'probe' | 'decode';
  /** Required in 'decode' mode. */
  target?: DecodeTarget;
  pixelLimit: number;
}

/** One file's outcome: its (upright) size and whether it is stored as grayscale; an error; or a size over the pixel limit. */
export type FileOutcome =
  | { ok: true; height: number; width: number; gray: boolean }
  | { ok: false; error: string }
  | { ok: false; bomb: [number, number] };

export interface DecodedBatch {
  outcomes: FileOutcome[];
  /** decode mode: files.length images of the target size, back to back (a failed file's slot is left zero). */
  pixels?: Uint8Array;
  /** probe mode: each small image decoded at its own size, with 1 channel if grayscale, else 3; null otherwise. */
  natural?: (Uint8Array | null)[];
  /** SHA-256 of each file's bytes (base64), '' when unreadable. */
  digests: string[];
}

/** Images decoded at once in one process: libvips serialises much of its per-image work, so more threads do not help. */
const IN_FLIGHT = 2;
/** probe mode decodes images up to this many pixels at their own size (larger ones are always resized later). */
const PROBE_DECODES_UP_TO = 128 * 128;

let loaded: typeof SharpModule | undefined;

/** sharp, loaded on first use: every command imports src/data, and only image folders need libvips. */
async function loadSharp(): Promise<typeof SharpModule> {
  if (loaded) return loaded;
  const sharp = (await import('sharp')).default;
  // No operation cache (each file is read once) and one libvips thread per image: many small images, not one big one.
  sharp.cache(false);
  sharp.concurrency(1);
  return (loaded = sharp);
}

export async function decodeBatch(batch: DecodeBatch): Promise<DecodedBatch> {
  const sharp = await loadSharp();
  const { files, target } = batch;
  const size = target ? target.height * target.width * target.channels : 0;
  const result: DecodedBatch = { outcomes: new Array(files.length), digests: new Array<string>(files.length).fill('') };
  if (batch.mode === 'decode') result.pixels = new Uint8Array(files.length * size);
  else result.natural = new Array(files.length).fill(null);
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      result.outcomes[index] = await one(sharp, files[index]!, batch, {
        bytes: (bytes) => (result.digests[index] = createHash('sha256').update(bytes).digest('base64')),
        into: result.pixels?.subarray(index * size, (index + 1) * size),
        natural: (pixels) => (result.natural![index] = pixels),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, work));
  return result;
}

interface Sinks {
  bytes: (bytes: Buffer) => void;
  into?: Uint8Array;
  natural: (pixels: Uint8Array) => void;
}

async function one(sharp: typeof SharpModule, file: string, batch: DecodeBatch, sinks: Sinks): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    // Synchronous: small files, read by a process that does nothing else meanwhile (the promise API costs more here).
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { ok: false, error: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  sinks.bytes(bytes);
  const plain = plainFastPath(bytes, batch, sinks);
  if (plain) return plain;
  try {
    const image = sharp(bytes, { limitInputPixels: false, failOn: 'warning' });
    const meta = await image.metadata();
    const upright = (meta.orientation ?? 1) > 4;
    const height = upright ? meta.width : meta.height;
    const width = upright ? meta.height : meta.width;
    if (!(height > 0 && width > 0)) return { ok: false, error: 'no image size in its header' };
    if (height * width > batch.pixelLimit) return { ok: false, bomb: [height, width] };
    const gray = meta.channels <= 2;
    const found: FileOutcome = { ok: true, height, width, gray };
    if (batch.mode === 'probe') {
      if (height * width > PROBE_DECODES_UP_TO) return found;
      const own: DecodeTarget = { height, width, channels: gray ? 1 : 3 };
      const error = await decodeTo(pipeline(image, meta, [height, width], own), own, (pixels) => sinks.natural(pixels));
      return error ? { ok: false, error } : found;
    }
    const target = batch.target!;
    const error = await decodeTo(pipeline(image, meta, [height, width], target), target, (pixels) => sinks.into!.set(pixels));
    return error ? { ok: false, error } : found;
  } catch (error) {
    return { ok: false, error: oneLine(error) };
  }
}

/** A plain PNG (png-plain.ts) that needs nothing but unpacking for this batch: its outcome, its pixels put in place. */
function plainFastPath(bytes: Buffer, batch: DecodeBatch, sinks: Sinks): FileOutcome | undefined {
  const target = batch.target;
  const png = plainPng(bytes, (height, width, channels) =>
    target ? height === target.height && width === target.width && channels === target.channels : height * width <= PROBE_DECODES_UP_TO,
  );
  if (!png) return undefined;
  if (target) sinks.into!.set(png.pixels);
  else sinks.natural(png.pixels);
  return { ok: true, height: png.height, width: png.width, gray: png.channels === 1 };
}

/**
 * Upright, flattened onto black if it has transparency, 8-bit grayscale or sRGB, stretched to the target size (not
 * resampled when it has it already). Both modes decode through this, so an image decoded at its own size in probe
 * mode has exactly the pixels decode mode would give it.
 */
function pipeline(image: Sharp, meta: Metadata, [height, width]: [number, number], target: DecodeTarget): Sharp {
  if ((meta.orientation ?? 1) > 1) image.autoOrient();
  if (meta.hasAlpha) image.flatten({ background: '#000000' });
  // sharp writes sRGB unless told otherwise, whatever the input: grayscale output is always asked for.
  if (target.channels === 1) image.grayscale();
  else if (!(meta.channels === 3 && meta.space === 'srgb' && meta.depth === 'uchar')) image.toColourspace('srgb');
  if (height !== target.height || width !== target.width) image.resize(target.width, target.height, { fit: 'fill' });
  return image;
}

/** Runs the pipeline; what went wrong, or undefined once `put` has the pixels. */
async function decodeTo(image: Sharp, target: DecodeTarget, put: (pixels: Uint8Array) => void): Promise<string | undefined> {
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== target.channels || data.length !== target.height * target.width * target.channels) {
    return `decoded to ${info.height}x${info.width}x${info.channels}, not ${target.height}x${target.width}x${target.channels}`;
  }
  put(new Uint8Array(data));
  return undefined;
}

/** libvips' message on one line: its first two lines ('corrupt header' and what libpng or libjpeg said), shortened. */
function oneLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((line) => line.trim()).filter(Boolean);
  const text = lines.slice(0, 2).join(' ').replace(/:$/, '');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
