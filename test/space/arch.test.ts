import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeArch, inferCost, parseArch, validateArch, loadArchFile } from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';

const SEED_LITERAL = `
ARCH = [
    {'type':'C','activation':'relu','num_output':64,'kernel_size': (3,3), 'stride': (1,1), 'drop_out': 0.0},
    {'type':'C','activation':'relu','num_output':128,'kernel_size': (3,3), 'stride': (1,1), 'drop_out': 8.3},
    {'type':'P','pool':'max','kernel_size': (2,2), 'stride': (2,2), 'drop_out': 16.7},
    {'type':'C','activation':'relu','num_output':256,'kernel_size': (3,3), 'stride': (1,1), 'drop_out': 0.0},
    {'type':'C','activation':'relu','num_output':128,'kernel_size': (5,5), 'stride': (1,1), 'drop_out':16.7},
    {'type':'P','pool':'max','kernel_size': (5,5), 'stride': (3,3), 'drop_out': 0.0},
    {'type':'C','activation':'relu','num_output':256,'kernel_size': (3,3), 'stride': (1,1), 'drop_out': 0.0},
    {'type':'FC','activation':'relu','num_output':256,'drop_out': 8.3},
    {'type':'FC','activation':'relu','num_output':128,'drop_out': 0.0},
    {'type':'T','activation':None}
]
`;

test('the seed ARCH in Python-literal form loads and matches a hand computation for 32x32x3, 100 classes', () => {
  const arch = parseArch(SEED_LITERAL);
  const cost = inferCost(arch, [32, 32, 3], 100);
  // 'same' padding: a stride-1 conv keeps 32x32; max pool 2/2 -> 16; pool 5 stride 3 -> ceil(16 / 3) = 6.
  const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
  const dense = (inputs: number, units: number) => inputs * units + units;
  const expected: [number[], number][] = [
    [[32, 32, 64], conv(3, 3, 64)], // 1,792
    [[32, 32, 128], conv(3, 64, 128)], // 73,856
    [[16, 16, 128], 0],
    [[16, 16, 256], conv(3, 128, 256)], // 295,168
    [[16, 16, 128], conv(5, 256, 128)], // 819,328
    [[6, 6, 128], 0],
    [[6, 6, 256], conv(3, 128, 256)], // 295,168
    [[256], dense(6 * 6 * 256, 256)], // 2,359,552
    [[128], dense(256, 128)], // 32,896
    [[100], dense(128, 100)], // 12,900
  ];
  assert.deepEqual(
    cost.layers.map((layer) => [layer.outputShape, layer.params]),
    expected,
  );
  assert.equal(cost.params, 3_890_660);
  assert.equal(cost.layers[0].macs, 32 * 32 * 3 * 3 * 3 * 64);
  assert.equal(cost.layers[7].macs, 9216 * 256);
});

test('nas arch show prints the seed layer table: output shapes and the total parameter count', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-arch-show-')), 'seed.py');
  fs.writeFileSync(file, SEED_LITERAL);
  const cli = shippedFile('dist', 'src', 'cli', 'main.js');
  const run = spawnSync(process.execPath, [cli, 'arch', 'show', file, '--input', '32x32x3', '--classes', '100'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const rows = run.stdout.split('\n').filter((line) => /^\d+\s/.test(line)).map((line) => line.trim().split(/\s+/));
  assert.deepEqual(
    rows.map((row) => [row[1], row[3]]),
    [['C', '32x32x64'], ['C', '32x32x128'], ['P', '16x16x128'], ['C', '16x16x256'], ['C', '16x16x128'], ['P', '6x6x128'], ['C', '6x6x256'], ['FC', '256'], ['FC', '128'], ['T', '100']],
  );
  assert.match(run.stdout, /^\s+total\s+3,890,660\s+375,501,312$/m);
});

test('the shipped seed-baseline.json is the same ARCH as the literal', () => {
  assert.deepEqual(loadArchFile(shippedFile('experiments', 'archs', 'seed-baseline.json')), parseArch(SEED_LITERAL));
});

test('normalisation fills defaults, pairs ints and appends a missing T', () => {
  const arch = parseArch([{ type: 'C', num_output: 8, kernel_size: 3 }, { type: 'P', pool: 'avg', kernel_size: 2 }]);
  assert.deepEqual(arch, [
    { type: 'C', num_output: 8, kernel_size: [3, 3], stride: [1, 1], activation: 'relu', padding: 'same', batch_norm: false, drop_out: 0, skip_from: null },
    { type: 'P', pool: 'avg', kernel_size: [2, 2], stride: [2, 2], padding: 'same', drop_out: 0 },
    { type: 'T' },
  ]);
  assert.equal(describeArch(arch), 'C8k3-Pavg2-T');
});

test('batch norm replaces the bias by 4 weights per channel; skips and global average pooling add none', () => {
  const arch = parseArch([
    { type: 'C', num_output: 4, kernel_size: 3, batch_norm: true },
    { type: 'C', num_output: 4, kernel_size: 3, batch_norm: true, skip_from: 0 },
    { type: 'P', pool: 'global_avg' },
    { type: 'FC', num_output: 5, batch_norm: true },
  ]);
  const cost = inferCost(arch, [8, 8, 2], 3);
  assert.deepEqual(cost.layers.map((l) => l.params), [3 * 3 * 2 * 4 + 16, 3 * 3 * 4 * 4 + 16, 0, 4 * 5 + 20, 5 * 3 + 3]);
  assert.deepEqual(cost.layers[2].outputShape, [1, 1, 4]);
  assert.equal(describeArch(arch), 'C4k3bn-C4k3bn+0-Pgap-FC5bn-T');
});

test("'valid' padding shrinks by the kernel; a skip from the network input needs the input's shape", () => {
  const cost = inferCost(parseArch([{ type: 'C', num_output: 6, kernel_size: [3, 5], stride: 2, padding: 'valid' }]), [11, 11, 1], 2);
  assert.deepEqual(cost.layers[0].outputShape, [5, 4, 6]);
  assert.doesNotThrow(() => validateArch([{ type: 'C', num_output: 3, kernel_size: 3, skip_from: -1 }], { input: [8, 8, 3], classes: 2 }));
  assert.throws(() => validateArch([{ type: 'C', num_output: 4, kernel_size: 3, skip_from: -1 }], { input: [8, 8, 3], classes: 2 }), /skip_from/);
});

test('JSON and the literal notation read alike, with comments, double quotes and trailing commas', () => {
  const literal = `# mine\nnet = [{"type": 'C', 'num_output': 16, 'kernel_size': 3, 'batch_norm': True,},  # conv\n {'type': 'T'},]`;
  assert.deepEqual(parseArch(literal), parseArch('[{"type":"C","num_output":16,"kernel_size":[3,3],"batch_norm":true},{"type":"T"}]'));
});

test('validateArch enforces the parameter cap', () => {
  const problem = { input: [32, 32, 3] as [number, number, number], classes: 100 };
  assert.equal(validateArch(SEED_LITERAL, problem).params, 3_890_660);
  assert.throws(() => validateArch(SEED_LITERAL, { ...problem, maxParams: 3_890_659 }), /over the cap/);
});
