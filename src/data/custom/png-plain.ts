/**
 * The one fast path beside sharp: an 8-bit, non-interlaced grayscale or RGB PNG with no chunk that changes its
 * pixels (no palette, transparency, gamma, colour profile or orientation) is unpacked here with Node's zlib. PNG is
 * lossless, so these are exactly the bytes libpng gives (every chunk's CRC is checked, as libpng does); for a 28x28
 * image libvips's setup costs ten times its decoding. Anything else returns undefined and goes to sharp.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks that do not change the decoded pixels of an opaque 8-bit image. */
const HARMLESS = new Set(['IDAT', 'IEND', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs', 'sRGB', 'bKGD']);
const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;

export interface PlainPng {
  height: number;
  width: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** The PNG's pixels when it is plain and `wanted` accepts its header's size and channels (checked before inflating). */
export function plainPng(bytes: Buffer, wanted: (height: number, width: number, channels: 1 | 3) => boolean): PlainPng | undefined {
  if (!crc32 || bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const [depth, colour, compression, filter, interlace] = bytes.subarray(24, 29);
  if (depth !== 8 || (colour !== 0 && colour !== 2) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  const channels = colour === 0 ? 1 : 3;
  if (width === 0 || height === 0 || !wanted(height, width, channels)) return undefined;
  const data: Buffer[] = [];
  let offset = 8;
  let ended = false;
  while (!ended && offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length || crc32(bytes.subarray(offset + 4, end - 4)) !== bytes.readUInt32BE(end - 4)) return undefined;
    if (type === 'IDAT') data.push(bytes.subarray(offset + 8, end - 4));
    else if (type === 'IEND') ended = true;
    else if (type !== 'IHDR' && !HARMLESS.has(type)) return undefined;
    offset = end;
  }
  if (!ended || data.length === 0) return undefined;
  const stride = width * channels;
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(data));
  } catch {
    return undefined;
  }
  if (raw.length !== height * (stride + 1)) return undefined;
  const pixels = unfilter(raw, height, stride, channels);
  return pixels ? { height, width, channels, pixels } : undefined;
}

/** Undoes the per-row filters (None, Sub, Up, Average, Paeth); undefined for an unknown filter byte. */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
      const value = raw[src + x]!;
      if (type === 0) out[row + x] = value;
      else if (type === 1) out[row + x] = value + a;
      else if (type === 2) out[row + x] = value + b;
      else if (type === 3) out[row + x] = value + ((a + b) >> 1);
      else if (type === 4) out[row + x] = value + paeth(a, b, c);
      else return undefined;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
