import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArchError, NasError, SpaceError } from '../../src/errors.js';
import { bindSpace, loadArchFile, loadSpace, validateArch } from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-space-malformed-'));
const CLI = shippedFile('dist', 'src', 'cli', 'main.js');
const PROBLEM = { input: [32, 32, 3] as [number, number, number], classes: 100 };

const conv = (extra: object = {}) => ({ type: 'C', num_output: 16, kernel_size: 3, ...extra });
const json = (value: unknown) => JSON.stringify(value);

/** [name, file text, expected message pattern (layer and field), check through the compiled CLI too] */
const BAD_ARCHS: [string, string, RegExp, boolean?][] = [
  ['unknown layer type', json([conv(), { type: 'X' }]), /^.*layer 1, field 'type': must be one of/, true],
  ['missing type', json([{ num_output: 3, kernel_size: 3 }]), /layer 0, field 'type': missing/],
  ['unknown field', json([conv({ kernal_size: 3 })]), /layer 0, field 'kernal_size': unknown field/, true],
  ['missing num_output', json([{ type: 'C', kernel_size: 3 }]), /layer 0, field 'num_output': missing/],
  ['zero filters', json([conv({ num_output: 0 })]), /layer 0, field 'num_output': must be a positive integer/],
  ['fractional filters', json([conv({ num_output: 3.5 })]), /layer 0, field 'num_output'/],
  ['one-element kernel', json([conv({ kernel_size: [3] })]), /layer 0, field 'kernel_size'/],
  ['zero kernel', json([conv({ kernel_size: [0, 3] })]), /layer 0, field 'kernel_size'/],
  ['negative stride', json([conv({ stride: -1 })]), /layer 0, field 'stride'/],
  ['dropout of 100', json([conv({ drop_out: 100 })]), /layer 0, field 'drop_out': must be a percentage in \[0, 100\)/],
  ['negative dropout', json([conv({ drop_out: -5 })]), /layer 0, field 'drop_out'/],
  ['dropout as text', json([conv({ drop_out: '10' })]), /layer 0, field 'drop_out'/],
  ['unknown activation', json([conv({ activation: 'swish' })]), /layer 0, field 'activation'/],
  ['unknown padding', json([conv({ padding: 'full' })]), /layer 0, field 'padding'/],
  ['unknown pool', json([conv(), { type: 'P', pool: 'median', kernel_size: 2 }]), /layer 1, field 'pool'/],
  ['pool without pool kind', json([conv(), { type: 'P', kernel_size: 2 }]), /layer 1, field 'pool': missing/],
  ['conv after FC', json([conv(), { type: 'FC', num_output: 8 }, conv()]), /layer 2, field 'type': a C layer cannot follow an FC/, true],
  ['pool after FC', json([{ type: 'FC', num_output: 8 }, { type: 'P', pool: 'max', kernel_size: 2 }]), /layer 1, field 'type'/],
  ['T not last', json([conv(), { type: 'T' }, conv()]), /layer 1, field 'type': a T layer must be the last/],
  ['kernel larger than input under valid', json([conv({ kernel_size: 33, padding: 'valid' })]), /layer 0, field 'kernel_size': kernel 33x33 is larger than its input 32x32/, true],
  [
    'spatial collapse after valid convolutions',
    json([conv({ kernel_size: 7, stride: 2, padding: 'valid' }), conv({ kernel_size: 7, stride: 2, padding: 'valid' }), conv({ kernel_size: 5, padding: 'valid' })]),
    /layer 2, field 'kernel_size': kernel 5x5 is larger than its input 4x4 .*spatial collapse/,
  ],
  ['skip between different shapes', json([conv(), conv({ num_output: 32, skip_from: 0 })]), /layer 1, field 'skip_from': skip from layer 0 of shape \[32, 32, 16\]/, true],
  ['skip from a later layer', json([conv({ skip_from: 1 }), conv()]), /layer 0, field 'skip_from'/],
  ['batch norm as text', json([conv({ batch_norm: 'yes' })]), /layer 0, field 'batch_norm'/],
  ['batch norm on a pool', json([conv(), { type: 'P', pool: 'max', kernel_size: 2, batch_norm: true }]), /layer 1, field 'batch_norm': unknown field/],
  ['T with an activation', json([conv(), { type: 'T', activation: 'relu' }]), /layer 1, field 'activation'/],
  ['a layer that is not a dict', json([conv(), 3]), /layer 1: a layer must be a dict/],
  ['not a list', json({ type: 'C' }), /must be a list of layers/],
  ['an empty list', '[]', /no layers/],
  ['unterminated literal string', "ARCH = [{'type': 'C', 'num_output: 3}]", /unterminated string at line 1, column 23/, true],
  ['unknown literal name', "[{'type': 'T', 'activation': Nonee}]", /unknown name 'Nonee'/],
];

for (const [name, text, expected, viaCli] of BAD_ARCHS) {
  test(`malformed ARCH: ${name}`, () => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.arch`);
    fs.writeFileSync(file, text);
    assert.throws(
      () => validateArch(loadArchFile(file), PROBLEM),
      (error: Error) => error instanceof ArchError && expected.test(error.message) && !error.message.includes('\n'),
    );
    if (viaCli) expectCliError(['arch', 'check', file, '--input', '32x32x3', '--classes', '100'], expected);
  });
}

const GOOD_LAYERS = {
  kind: 'layers',
  minLayers: 1,
  maxLayers: 4,
  layers: { C: { num_output: [8, 16], kernel_size: [3] } },
};
const withLayers = (layers: object) => ({ ...GOOD_LAYERS, layers });

/** [name, space file text, expected message pattern naming the field] */
const BAD_SPACES: [string, string, RegExp, boolean?][] = [
  ['unknown kind', json({ ...GOOD_LAYERS, kind: 'graph' }), /kind: must be "layers" or "nb201"/, true],
  ['missing kernel choices', json(withLayers({ C: { num_output: [8] } })), /layers\.C\.kernel_size: missing/],
  ['empty choice list', json(withLayers({ C: { num_output: [], kernel_size: [3] } })), /layers\.C\.num_output: must be a non-empty list/],
  ['duplicate choice', json(withLayers({ C: { num_output: [8], kernel_size: [3, [3, 3]] } })), /layers\.C\.kernel_size: lists the choice 3 twice/],
  ['skip choices without 0', json(withLayers({ C: { num_output: [8], kernel_size: [3], skip_back: [1, 2] } })), /layers\.C\.skip_back: must include 0/],
  ['conv allowed after FC', json({ ...GOOD_LAYERS, layers: { C: GOOD_LAYERS.layers.C, FC: { num_output: [8] } }, follows: { start: ['C'], C: ['C', 'FC', 'stop'], FC: ['C'] } }), /follows\.FC: only FC or "stop"/],
  ['unknown follows key', json({ ...GOOD_LAYERS, follows: { start: ['C'], C: ['C', 'stop'], 'C.bn': ['stop'] } }), /follows\.C\.bn: unknown key \(known: start, C, P, P\.global_avg, FC\)/],
  ['unknown top-level field', json({ ...GOOD_LAYERS, maxLayer: 3 }), /maxLayer: unknown field/],
  ['default MAC cap not a positive integer', json({ ...GOOD_LAYERS, defaultMaxMacs: -5 }), /defaultMaxMacs: must be a positive integer, not -5/],
  ['maxLayers below minLayers', json({ ...GOOD_LAYERS, minLayers: 5 }), /maxLayers: must be at least 1 and at least minLayers/],
  ['identity pool possible', json(withLayers({ C: GOOD_LAYERS.layers.C, P: { pool: ['max'], kernel_size: [1, 2], stride: [1] } })), /layers\.P\.kernel_size: a 1x1 pool .* identity/],
  ['bad field value', json(withLayers({ C: { num_output: [8], kernel_size: [3], activation: ['relu', 'swish'] } })), /layers\.C\.activation: choice 1 \("swish"\) must be one of/],
  ['unknown NB201 op', json({ kind: 'nb201', ops: ['none', 'sep_conv_3x3'] }), /ops: choice 1 \("sep_conv_3x3"\) must be one of/],
  ['not JSON', '{"kind": "layers",', /not valid JSON/, true],
];

for (const [name, text, expected, viaCli] of BAD_SPACES) {
  test(`malformed space: ${name}`, () => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, text);
    assert.throws(
      () => loadSpace(file),
      (error: Error) => error instanceof SpaceError && expected.test(error.message) && error.message.startsWith(file),
    );
    if (viaCli) expectCliError(['space', 'show', file], expected);
  });
}

test('a space with no valid ARCH for the input is refused when bound', () => {
  const file = path.join(dir, 'too-big-kernels.json');
  fs.writeFileSync(file, json(withLayers({ C: { num_output: [8], kernel_size: [7], padding: ['valid'] } })));
  const space = loadSpace(file);
  assert.throws(() => bindSpace(space, { input: [5, 5, 1], classes: 10 }), /no valid ARCH for input 5x5x1 .* none fits the input/);
  assert.throws(() => bindSpace(space, { input: [8, 8, 1], classes: 10, maxParams: 100 }), /smallest needs 730 parameters, over the cap of 100/);
});

test('bad command-line values and missing files are one-line errors (exit code 2 from the CLI)', () => {
  const arch = shippedFile('experiments', 'archs', 'seed-baseline.json');
  expectCliError(['arch', 'show', arch, '--input', '32x32'], /input shape must read HEIGHTxWIDTHxCHANNELS/);
  expectCliError(['space', 'show', 'no-such-space'], /unknown space 'no-such-space' \(shipped: .*seed-cnn/);
  assert.throws(() => loadArchFile(path.join(dir, 'missing.json')), /cannot read ARCH file .*ENOENT/);
  assert.ok(new ArchError('x') instanceof NasError);
});

function expectCliError(args: string[], expected: RegExp): void {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 2, `exit code of nas ${args.join(' ')}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${run.stderr}`);
  assert.match(lines[0], /^nas: error: /);
  assert.match(lines[0], expected);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
}
