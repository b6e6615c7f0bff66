/** Image folders for the tests of --dataset PATH, written with sharp into temporary folders. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';

export type Format = 'png' | 'jpg' | 'webp';

/** Writes `pixels` (HWC uint8) as an image file: grayscale files for one channel, RGB for three. */
export async function writeImage(file: string, pixels: Uint8Array, height: number, width: number, channels: 1 | 3, format: Format = 'png'): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w');
  const encoded = format === 'png' ? image.png() : format === 'jpg' ? image.jpeg({ quality: 90 }) : image.webp({ lossless: true });
  await encoded.toFile(file);
}

/** A deterministic image: a pattern that differs by class and by index. */
export function pattern(height: number, width: number, channels: number, label: number, index: number): Uint8Array {
  const out = new Uint8Array(height * width * channels);
  for (let p = 0; p < out.length; p++) out[p] = (p * (label + 3) * 7 + index * 29 + label * 60) & 255;
  return out;
}

/** `root/<class>/<index>.<format>`: `perClass` images per class, sizes taken in turn from `sizes`. */
export async function imageFolder(
  root: string,
  classes: string[],
  perClass: number,
  options: { sizes?: [number, number][]; channels?: 1 | 3; format?: Format; sub?: string } = {},
): Promise<void> {
  const sizes = options.sizes ?? [[12, 12]];
  const channels = options.channels ?? 1;
  const writes: Promise<void>[] = [];
  classes.forEach((name, label) => {
    for (let i = 0; i < perClass; i++) {
      const [h, w] = sizes[(i + label) % sizes.length]!;
      const file = path.join(root, options.sub ?? '', name, `${String(i).padStart(4, '0')}.${options.format ?? 'png'}`);
      writes.push(writeImage(file, pattern(h, w, channels, label, i), h, w, channels, options.format));
    }
  });
  await Promise.all(writes);
}

/** A PNG whose header claims width x height pixels, with one tiny compressed row: a decompression bomb's shape, cheaply. */
export function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
