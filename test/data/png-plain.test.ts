import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { plainPng } from '../../src/data/custom/png-plain.js';

const any = () => true;

/** Noisy-but-smooth pixels, so that libpng's adaptive filtering picks every filter type somewhere. */
function pixels(height: number, width: number, channels: number, seed: number): Buffer {
  const out = Buffer.alloc(height * width * channels);
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    out[i] = ((i % 17) * 11 + (state >> 20)) & 255;
  }
  return out;
}

test('plain 8-bit grayscale and RGB PNGs unpack to exactly the pixels sharp (libpng) decodes', async () => {
  for (const [height, width, channels] of [[28, 28, 1], [32, 32, 3], [7, 13, 1], [5, 9, 3], [1, 1, 1], [64, 3, 3]] as const) {
    for (const seed of [1, 2, 3]) {
      let image = sharp(pixels(height, width, channels, seed), { raw: { width, height, channels } });
      if (channels === 1) image = image.toColourspace('b-w');
      const file = await image.png({ adaptiveFiltering: true, compressionLevel: seed * 3 }).toBuffer();
      const plain = plainPng(file, any);
      assert.ok(plain, `${height}x${width}x${channels} is plain`);
      let decoder = sharp(file);
      if (channels === 1) decoder = decoder.grayscale();
      const reference = await decoder.raw().toBuffer();
      assert.deepEqual([plain.height, plain.width, plain.channels], [height, width, channels]);
      assert.ok(Buffer.from(plain.pixels).equals(reference), `${height}x${width}x${channels} seed ${seed}: same bytes as libpng`);
    }
  }
});

test('anything else goes to sharp: palette, alpha, 16 bits, interlacing, a bad CRC, a size not wanted', async () => {
  const rgb = pixels(8, 8, 3, 5);
  const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
  const cases: [string, Buffer][] = [
    ['palette', await sharp(rgb, raw).png({ palette: true }).toBuffer()],
    ['alpha', await sharp(pixels(8, 8, 4, 5), { raw: { width: 8, height: 8, channels: 4 } }).png().toBuffer()],
    ['16 bits', await sharp(rgb, raw).toColourspace('rgb16').png().toBuffer()],
    ['interlaced', await sharp(rgb, raw).png({ progressive: true }).toBuffer()],
    ['not a PNG', await sharp(rgb, raw).jpeg().toBuffer()],
  ];
  for (const [what, file] of cases) assert.equal(plainPng(file, any), undefined, what);
  const good = await sharp(rgb, raw).png().toBuffer();
  assert.ok(plainPng(good, any));
  const damaged = Buffer.from(good);
  damaged[damaged.length - 20] ^= 1;
  assert.equal(plainPng(damaged, any), undefined, 'a flipped bit fails its chunk CRC');
  assert.equal(plainPng(good, (height, width, channels) => height === 8 && width === 8 && channels === 1), undefined, 'not the size and type wanted');
});
