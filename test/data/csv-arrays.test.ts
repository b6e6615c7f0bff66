/**
 * readCsvArrays: FER2013's pixel-string layout and the one-column-per-pixel layout, with and without a header,
 * usage column and options, and the bad files refused with their line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DataError } from '../../src/errors.js';
import { loadDataset } from '../../src/data/index.js';
import { readCsvArrays, type CsvOptions } from '../../src/data/formats/csv-arrays.js';
import { ferCsv, isolateEnvironment, tempDir, writeFiles } from './fixtures.js';

isolateEnvironment();

const dir = tempDir('nas-csv-');
let written = 0;
function csv(text: string): string {
  const file = path.join(dir, `case-${written++}.csv`);
  writeFiles(dir, { [path.basename(file)]: text });
  return file;
}

/** Pixel p of row i, for images of `size` values. */
const pixel = (i: number, p: number): number => (i * 29 + p * 13) % 256;
const row = (i: number, size: number): number[] => Array.from({ length: size }, (_, p) => pixel(i, p));
const pixelsOf = (rows: number[], size: number): Uint8Array => Uint8Array.from(rows.flatMap((i) => row(i, size)));

test("pixel-string layout with a usage column: FER2013's file reads as the built-in fer2013 does", async () => {
  const lines = ['label,pixels,Usage', ...[0, 1, 2, 3, 4].map((i) => `${i % 3},${row(i, 16).join(' ')},${['Training', 'PublicTest', 'PrivateTest', 'Training', 'PrivateTest'][i]}`)];
  const data = await readCsvArrays(csv(lines.join('\r\n') + '\r\n'));
  assert.deepEqual(data.train.shape, [4, 4, 1]);
  assert.deepEqual(data.train.images, pixelsOf([0, 1, 3], 16));
  assert.deepEqual([...data.train.labels], [0, 1, 0]);
  assert.deepEqual(data.test?.images, pixelsOf([2, 4], 16));
  assert.deepEqual([...data.test!.labels], [2, 1]);
  assert.deepEqual(data.classNames, ['0', '1', '2']);

  // The fixture in FER2013's own layout (emotion,pixels,Usage; 48x48) with no options at all.
  const root = tempDir();
  writeFiles(path.join(root, 'fer2013'), { 'fer2013.csv': ferCsv() });
  const fer = await readCsvArrays(path.join(root, 'fer2013', 'fer2013.csv'));
  const builtIn = await loadDataset('fer2013', { dataDir: root, download: false });
  assert.deepEqual(fer.train.shape, [48, 48, 1]);
  assert.deepEqual(fer.train.images, builtIn.train.images);
  assert.deepEqual(fer.train.labels, builtIn.train.labels);
  assert.deepEqual(fer.test?.images, builtIn.test.images);
  assert.deepEqual(fer.test?.labels, builtIn.test.labels);
});

test('one column per pixel, with a header, headerless, RGB with a shape, named labels', async () => {
  const header = ['label', ...Array.from({ length: 9 }, (_, p) => `pixel${p}`)].join(',');
  const withHeader = await readCsvArrays(csv([header, ...[0, 1, 2, 3].map((i) => `${(i * 2) % 3},${row(i, 9).join(',')}`)].join('\n')));
  assert.deepEqual(withHeader.train.shape, [3, 3, 1]);
  assert.deepEqual(withHeader.train.images, pixelsOf([0, 1, 2, 3], 9));
  assert.deepEqual([...withHeader.train.labels], [0, 2, 1, 0]);
  assert.equal(withHeader.test, null, 'no usage column: the loader holds a split out');

  const headerless = await readCsvArrays(csv([0, 1, 2].map((i) => `${i},${row(i, 4).join(',')}`).join('\n') + '\n\n'));
  assert.deepEqual(headerless.train.shape, [2, 2, 1]);
  assert.deepEqual(headerless.train.images, pixelsOf([0, 1, 2], 4));
  assert.deepEqual(headerless.classNames, ['0', '1', '2']);

  const rgb = await readCsvArrays(csv([0, 1, 2].map((i) => `${['dog', 'cat', 'dog'][i]},${row(i, 12).join(',')}`).join('\n')), { shape: '2x2x3', header: false });
  assert.deepEqual(rgb.train.shape, [2, 2, 3]);
  assert.deepEqual(rgb.train.images, pixelsOf([0, 1, 2], 12));
  assert.deepEqual(rgb.classNames, ['cat', 'dog']);
  assert.deepEqual([...rgb.train.labels], [1, 0, 1]);
});

test('options name the label, pixels and usage columns and the test values; quoted lines parse', async () => {
  const lines = [
    'id,img,split,y',
    `a,${row(0, 4).join(' ')},fit,1`,
    `"b,1","${row(1, 4).join(' ')}",holdout,0`,
    `c,${row(2, 4).join(' ')},fit,0`,
  ];
  const options: CsvOptions = { labelColumn: 'y', pixelsColumn: 'img', usageColumn: 'split', testUsages: ['holdout'], shape: [2, 2, 1] };
  const data = await readCsvArrays(csv(lines.join('\n')), options);
  assert.deepEqual(data.train.images, pixelsOf([0, 2], 4));
  assert.deepEqual([...data.train.labels], [1, 0]);
  assert.deepEqual(data.test?.images, pixelsOf([1], 4));
  assert.deepEqual([...data.test!.labels], [0]);
});

test('bad CSV files are refused with a one-line DataError naming the line', async () => {
  const perPixel = (rows: string[]) => csv(['label,p0,p1,p2,p3', ...rows].join('\n'));
  const strings = (rows: string[]) => csv(['label,pixels,Usage', ...rows].join('\n'));
  const cases: [string, RegExp, CsvOptions?][] = [
    [perPixel(['0,1,2,3,4', '1,1,2,3', '0,1,2,3,4']), /line 3: 4 fields, expected 5 as in the first line/],
    [perPixel(['0,1,2,3,4', '1,1,2,3,4,5']), /line 3: 6 fields, expected 5/],
    [strings(['0,1 2 3 4,Training', '1,1 2 3,Training']), /line 3: expected 4 pixel values 0\.\.255 \(2x2\), found 3/],
    [strings(['0,1 2 3 4,Training', '1,1 2 3 4,Training,extra']), /line 3: 4 fields, expected 3/],
    [perPixel(['0,1,2,3.5,4']), /line 2: column 'p2' holds '3\.5', not an integer 0\.\.255/],
    [perPixel(['0,1,2,300,4']), /line 2: column 'p2' holds '300'/],
    [strings(['0,1 2 300 4,Training']), /line 2: pixel value 300 is out of 0\.\.255/],
    [strings(['0,1 2 x 4,Training']), /line 2: pixels contain 'x'/],
    [strings(['0,1 2 3 4,Training', '1,1 2 3 4,Holdout']), /line 3: usage 'Holdout' is neither a train value/],
    [strings(['0,1 2 3 4 5 6,Training']), /line 2: 6 pixels are not a square image; give the image shape/],
    [perPixel(['0,1,2,3,4', '1,1,2,3,4']), /the shape 3x3 needs 9/, { shape: '3x3' }],
    [perPixel(['0,1,2,3,4']), /image shape '2x2x4' is not HxW or HxWxC/, { shape: '2x2x4' }],
    [csv('label,' + Array.from({ length: 12 }, (_, p) => `p${p}`).join(',') + '\n0,' + row(0, 12).join(',')), /\(2x2x3 if the images are RGB\)/],
    [perPixel(['0,1,2,3,4']), /no column 'target' \(the label column option\); the first line has label, p0, p1, p2, p3/, { labelColumn: 'target' }],
    [perPixel(['0,1,2,3,4', ' ,1,2,3,4']), /line 3: empty label in column 'label'/],
    [perPixel(['0,1,2,3,4', 'cat,1,2,3,4']), /line 3: label 'cat' is not an integer >= 0/],
    [perPixel(['0,1,2,3,4', '-1,1,2,3,4']), /line 3: label '-1' is not an integer >= 0/],
    [perPixel(['0,1,2,3,4', '0,1,2,3,4']), /every label is 0; a search needs at least two classes/],
    [perPixel([]), /no data rows/],
    [strings(['0,1 2 3 4,PrivateTest', '1,1 2 3 4,Test']), /every row is a test row/],
    [strings(['0,"1 2 3 4,Training']), /line 2: not valid CSV/],
    [path.join(dir, 'absent.csv'), /absent\.csv: cannot be read/],
  ];
  for (const [file, pattern, options] of cases) {
    await assert.rejects(readCsvArrays(file, options), (error: Error) => {
      assert.ok(error instanceof DataError, `${pattern}: ${error.stack}`);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
      return true;
    });
  }
});
