/**
 * .npz archives written by NumPy itself (Debian's python3-numpy, installed by .ci/run), read by readNpz:
 * uint8 and float pixels, [N,H,W] and [N,H,W,3], every label width, and each bad archive refused in one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../src/errors.js';
import { readNpz } from '../../src/data/formats/npz.js';
import { tempDir } from './fixtures.js';

const PYTHON = '/usr/bin/python3';

/** Pixel p (flat HWC index) of image i, the same formula as `pixels` in the Python script below. */
const pixel = (i: number, p: number): number => (i * 37 + p * 11) % 256;

/** Every archive the tests read, written in one run of Python: name -> the numpy.savez call's keyword arguments. */
const ARCHIVES: Record<string, string> = {
  gray_u8: 'x_train=pixels(6, (5, 4)), y_train=np.array([0, 1, 2, 0, 1, 2], np.int64), x_test=pixels(3, (5, 4)), y_test=np.array([2, 1, 0], np.int64)',
  rgb_f32: 'x_train=(pixels(4, (3, 2, 3)) / 255).astype(np.float32), y_train=np.array([[1], [0], [2], [1]], np.uint8), ' +
    'x_test=(pixels(2, (3, 2, 3)) / 255).astype(np.float32), y_test=np.array([[0], [2]], np.uint8), class_names=np.array(["cat", "dög", "fish"])',
  gray_f32_255: 'x_train=pixels(6, (5, 4)).astype(np.float32), y_train=np.array([0, 1, 2, 0, 1, 2], np.int32), ' +
    'x_test=pixels(3, (5, 4)).astype(np.float32), y_test=np.array([2, 1, 0], np.int32)',
  gray_f64_nhwc1: 'x_train=(pixels(6, (5, 4, 1)) / 255.0), y_train=np.array([0, 1, 2, 0, 1, 2], np.int16), class_names=np.array([b"a", b"b", b"c"])',
  compressed: 'compressed=True, x_train=pixels(6, (5, 4)), y_train=np.array([0, 1, 2, 0, 1, 2], np.uint64), other=np.zeros(7), x_test=pixels(3, (5, 4)), y_test=np.array([2, 1, 0], np.uint64)',
  fortran: 'x_train=np.asfortranarray(pixels(6, (5, 4))), y_train=np.arange(6) % 3',
  int16_pixels: 'x_train=pixels(6, (5, 4)).astype(np.int16), y_train=np.arange(6) % 3',
  float_labels: 'x_train=pixels(6, (5, 4)), y_train=(np.arange(6) % 3).astype(np.float32)',
  one_hot: 'x_train=pixels(6, (5, 4)), y_train=np.eye(3, dtype=np.uint8)[np.arange(6) % 3]',
  short_labels: 'x_train=pixels(6, (5, 4)), y_train=np.arange(5) % 3',
  short_test: 'x_train=pixels(6, (5, 4)), y_train=np.arange(6) % 3, x_test=pixels(3, (5, 4)), y_test=np.arange(2)',
  positional: 'args=(pixels(6, (5, 4)), np.arange(6) % 3)',
  half_test: 'x_train=pixels(6, (5, 4)), y_train=np.arange(6) % 3, x_test=pixels(3, (5, 4))',
  out_of_range: 'x_train=pixels(6, (5, 4)), y_train=np.array([0, 1, 2, 3, 1, 0]), class_names=np.array(["a", "b", "c"])',
  negative: 'x_train=pixels(6, (5, 4)), y_train=np.array([0, 1, -1, 0, 1, 0])',
  one_class: 'x_train=pixels(6, (5, 4)), y_train=np.zeros(6, np.uint8)',
  standardised: 'x_train=(pixels(6, (5, 4)) - 128.0).astype(np.float32), y_train=np.arange(6) % 3',
  four_channels: 'x_train=pixels(6, (5, 4, 4)), y_train=np.arange(6) % 3',
  test_shape: 'x_train=pixels(6, (5, 4)), y_train=np.arange(6) % 3, x_test=pixels(3, (4, 5)), y_test=np.arange(3)',
  test_scale: 'x_train=pixels(6, (5, 4)).astype(np.float32), y_train=np.arange(6) % 3, x_test=(pixels(3, (5, 4)) / 255).astype(np.float32), y_test=np.arange(3)',
  object_names: 'x_train=pixels(6, (5, 4)), y_train=np.arange(6) % 3, class_names=np.array(["a", "b", "c"], dtype=object)',
  big_endian: 'x_train=pixels(6, (5, 4)).astype(">f4"), y_train=np.arange(6) % 3',
};

const SCRIPT = `
import sys
import numpy as np
def pixels(n, shape):
    p = int(np.prod(shape))
    return ((np.arange(n)[:, None] * 37 + np.arange(p)[None, :] * 11) % 256).astype(np.uint8).reshape((n,) + shape)
def save(name, compressed=False, args=(), **arrays):
    (np.savez_compressed if compressed else np.savez)(sys.argv[1] + '/' + name + '.npz', *args, **arrays)
${Object.entries(ARCHIVES).map(([name, call]) => `save(${JSON.stringify(name)}, ${call})`).join('\n')}
`;

function writeArchives(): string {
  const dir = tempDir('nas-npz-');
  try {
    execFileSync(PYTHON, ['-c', SCRIPT, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(error);
    throw new Error(`these tests need ${PYTHON} with numpy (apt-get install python3-numpy; .ci/run installs it): ${detail}`);
  }
  return dir;
}

const dir = writeArchives();
const file = (name: string) => path.join(dir, `${name}.npz`);

function expectedPixels(count: number, size: number): Uint8Array {
  return Uint8Array.from({ length: count * size }, (_, k) => pixel(Math.floor(k / size), k % size));
}

test('uint8 [N,H,W] with int64 labels: pixels and labels byte-equal, classes 0..K-1', async () => {
  const data = await readNpz(file('gray_u8'));
  assert.deepEqual(data.train.shape, [5, 4, 1]);
  assert.equal(data.train.count, 6);
  assert.deepEqual(data.train.images, expectedPixels(6, 20));
  assert.deepEqual([...data.train.labels], [0, 1, 2, 0, 1, 2]);
  assert.ok(data.test);
  assert.deepEqual(data.test.images, expectedPixels(3, 20));
  assert.deepEqual([...data.test.labels], [2, 1, 0]);
  assert.deepEqual(data.classNames, ['0', '1', '2']);
});

test('float32 [N,H,W,3] in [0,1], [N,1] uint8 labels and class_names: x/255 reads back to the same bytes', async () => {
  const data = await readNpz(file('rgb_f32'));
  assert.deepEqual(data.train.shape, [3, 2, 3]);
  assert.deepEqual(data.train.images, expectedPixels(4, 18));
  assert.deepEqual([...data.train.labels], [1, 0, 2, 1]);
  assert.deepEqual(data.test?.images, expectedPixels(2, 18));
  assert.deepEqual([...data.test!.labels], [0, 2]);
  assert.deepEqual(data.classNames, ['cat', 'dög', 'fish']);
});

test('float32 in [0,255], float64 [N,H,W,1] in [0,1] with byte-string class_names, and savez_compressed', async () => {
  const f255 = await readNpz(file('gray_f32_255'));
  assert.deepEqual(f255.train.images, expectedPixels(6, 20));
  assert.deepEqual(f255.test?.images, expectedPixels(3, 20));
  const f64 = await readNpz(file('gray_f64_nhwc1'));
  assert.deepEqual(f64.train.shape, [5, 4, 1]);
  assert.deepEqual(f64.train.images, expectedPixels(6, 20));
  assert.equal(f64.test, null, 'no x_test/y_test: the loader holds a split out');
  assert.deepEqual(f64.classNames, ['a', 'b', 'c']);
  const compressed = await readNpz(file('compressed'));
  assert.deepEqual(compressed.train.images, expectedPixels(6, 20));
  assert.deepEqual([...compressed.test!.labels], [2, 1, 0]);
});

test('bad archives are refused with a one-line DataError', async () => {
  const junk = path.join(dir, 'junk.npz');
  fs.writeFileSync(junk, 'not a zip at all');
  const cut = path.join(dir, 'cut.npz');
  fs.writeFileSync(cut, fs.readFileSync(file('gray_u8')).subarray(0, 300));
  const cases: [string, RegExp][] = [
    [file('fortran'), /x_train: is stored in Fortran order; save np\.ascontiguousarray\(x_train\)/],
    [file('int16_pixels'), /x_train: dtype int16 is not a pixel dtype \(expected uint8, float32 or float64/],
    [file('float_labels'), /y_train: dtype float32 is not an integer label dtype/],
    [file('one_hot'), /y_train: shape \(6, 3\) is not \[N\] or \[N, 1\]/],
    [file('short_labels'), /x_train has 6 images but y_train has 5 labels/],
    [file('short_test'), /x_test has 3 images but y_test has 2 labels/],
    [file('positional'), /lacks x_train, y_train \(it holds arr_0, arr_1; save with np\.savez/],
    [file('half_test'), /lacks y_test/],
    [file('out_of_range'), /y_train\[3\] = 3 is out of range \(class_names has 3 names\)/],
    [file('negative'), /y_train\[2\] = -1 is out of range/],
    [file('one_class'), /a search needs at least two classes/],
    [file('standardised'), /float pixels span \[-128, \d+\]; expected \[0, 1\] or \[0, 255\]/],
    [file('four_channels'), /shape \(6, 5, 4, 4\) is not \[N,H,W\] or \[N,H,W,C\] with C 1 or 3/],
    [file('test_shape'), /x_test images are 4x5x1 but x_train images 5x4x1/],
    [file('test_scale'), /x_train pixels are float in \[0, 255\] but x_test pixels float in \[0, 1\]/],
    [file('object_names'), /class_names: dtype '\|O' is not supported/],
    [file('big_endian'), /x_train: dtype >f4 is big-endian/],
    [junk, /junk\.npz: not a readable \.npz \(zip\) file/],
    [cut, /cut\.npz: not a readable \.npz \(zip\) file/],
    [path.join(dir, 'absent.npz'), /absent\.npz: not a readable \.npz \(zip\) file/],
  ];
  for (const [archive, pattern] of cases) {
    await assert.rejects(readNpz(archive), (error: Error) => {
      assert.ok(error instanceof DataError, `${path.basename(archive)}: ${error.stack}`);
      assert.match(error.message, pattern, path.basename(archive));
      assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
      return true;
    });
  }
});

test('a corrupt entry is caught by its CRC-32 (yauzl checks sizes, not checksums)', async () => {
  const bytes = fs.readFileSync(file('gray_u8'));
  // The first entry's data: its local header is 30 bytes + name + extra, then the .npy header (128 bytes), then pixels.
  const nameLength = bytes.readUInt16LE(26);
  const extraLength = bytes.readUInt16LE(28);
  const firstPixel = 30 + nameLength + extraLength + 128;
  bytes[firstPixel + 5] ^= 0xff;
  const corrupt = path.join(dir, 'corrupt.npz');
  fs.writeFileSync(corrupt, bytes);
  await assert.rejects(readNpz(corrupt), /x_train: CRC-32 mismatch: the archive is corrupt/);
});
