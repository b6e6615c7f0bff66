import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArchError } from '../../src/errors.js';
import { archJson, bindSpace, checkSpace, loadArchFile, parseArch, validateArch, type Arch, type Shape3 } from '../../src/space/index.js';
import { MAX_TENSOR_VALUES } from '../../src/space/cost.js';
import { MAX_NESTING } from '../../src/space/literal.js';
import { MAX_FILE_BYTES as MAX_ARCH_BYTES } from '../../src/space/read-file.js';
import { sampler } from './sample.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-space-limits-'));
const CONV = { type: 'C', num_output: 8, kernel_size: 3 };

function refused(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error) => error instanceof ArchError && message.test(error.message), `an ArchError matching ${message}`);
}

test(`lists and dicts nested deeper than ${MAX_NESTING} are refused, never overflowing the stack`, () => {
  const deep = 200_000;
  refused(() => parseArch('['.repeat(deep)), /nested more than 32 deep at line 1, column 33/);
  refused(() => parseArch(`ARCH = ${'('.repeat(deep)}${')'.repeat(deep)}`), /nested more than 32 deep/);
  refused(() => parseArch(`[{"type": "C", "num_output": ${'['.repeat(deep)}${']'.repeat(deep)}}]`), /^lists and dicts nested more than 32 deep$/);
  let value: unknown = 1;
  for (let i = 0; i < deep; i++) value = [value];
  refused(() => parseArch(value), /nested more than 32 deep/);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  refused(() => parseArch(cyclic), /nested more than 32 deep/);
});

test('nesting up to the limit reads: the error is then about the ARCH, not its depth', () => {
  const atLimit = `${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`;
  refused(() => parseArch(atLimit), /^layer 0: a layer must be a dict/);
  refused(() => parseArch(`ARCH = ${'('.repeat(MAX_NESTING)}${')'.repeat(MAX_NESTING)}`), /^layer 0: a layer must be a dict/);
});

test('an ARCH file over 1 MiB is refused before it is read wholly; one just under is read', () => {
  const big = path.join(dir, 'big.json');
  fs.writeFileSync(big, `[${JSON.stringify(CONV)}${' '.repeat(MAX_ARCH_BYTES)}]`);
  refused(() => loadArchFile(big), new RegExp(`big\\.json: the ARCH file is over the limit of 1 MiB \\(${MAX_ARCH_BYTES} bytes\\)$`));
  const layer = `${JSON.stringify(CONV)},\n`;
  const many = path.join(dir, 'many.json');
  const count = Math.floor((MAX_ARCH_BYTES - 2) / layer.length);
  fs.writeFileSync(many, `[${layer.repeat(count)}{"type": "T"}]`);
  assert.ok(fs.statSync(many).size <= MAX_ARCH_BYTES);
  assert.equal(loadArchFile(many).length, count + 1);
  refused(() => parseArch(`[${' '.repeat(MAX_ARCH_BYTES)}]`), /the ARCH text is over the limit of 1 MiB/);
  if (fs.existsSync('/dev/zero')) refused(() => loadArchFile('/dev/zero'), /over the limit of 1 MiB/);
});

test('a layer whose weight tensor cannot be allocated is refused with its size, at the bound exactly it is not', () => {
  const problem = { input: [1, 1, 2] as Shape3, classes: 2 };
  const units = MAX_TENSOR_VALUES / 2;
  assert.equal(validateArch([{ type: 'FC', num_output: units }], problem).params, 2 * units + units + units * 2 + 2);
  refused(() => validateArch([{ type: 'FC', num_output: units + 1 }], problem), /^layer 0, field 'num_output': its weight tensor would hold 268,435,458 values \(2x134217729\), over the 268,435,456 \(2\^28\)/);
  const cifar = { input: [32, 32, 3] as Shape3, classes: 10 };
  refused(() => validateArch([CONV, { type: 'FC', num_output: 1e9 }], cifar), /^layer 1, field 'num_output': its weight tensor would hold 8,192,000,000,000 values \(8192x1000000000\)/);
  refused(() => validateArch([{ ...CONV, num_output: 1e9 }], cifar), /^layer 0, field 'num_output': its weight tensor would hold 27,000,000,000 values \(3x3x3x1000000000\)/);
  refused(() => validateArch([{ ...CONV, num_output: 300_000, kernel_size: 1 }], cifar), /^layer 0, field 'num_output': its output for one image would hold 307,200,000 values \(32x32x300000\)/);
  refused(() => validateArch([{ type: 'FC', num_output: 2 }], { input: [1, 1, 1], classes: MAX_TENSOR_VALUES }), /^layer 1: its weight tensor would hold/);
  refused(() => validateArch([CONV], { input: [20_000, 20_000, 3], classes: 10 }), /input shape 20000x20000x3 holds more than/);
});

test('a space never proposes a layer over the tensor bound: the masks leave it out', () => {
  const space = checkSpace(
    { kind: 'layers', name: 'wide', minLayers: 1, maxLayers: 3, maxFC: 1, layers: { C: { num_output: [8], kernel_size: [3] }, FC: { num_output: [16, 2 ** 26] } } },
    'wide.json',
  );
  const problem = { input: [32, 32, 3] as Shape3, classes: 10 };
  const sample = sampler(bindSpace(space, problem), 'wide');
  const widths = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const candidate = bindSpace(space, problem).decode(sample());
    const arch = (candidate as { arch: Arch }).arch;
    validateArch(arch, problem);
    for (const layer of arch) if (layer.type === 'FC') widths.add(layer.num_output);
  }
  assert.deepEqual([...widths], [16], 'the FC of 2^26 units after 8192 inputs is never offered');
});

test('archJson prints one layer per line, and reads back', () => {
  const arch = parseArch([CONV, { type: 'P', pool: 'max', kernel_size: 2 }, { type: 'FC', num_output: 10 }]);
  const text = archJson(arch);
  const lines = text.split('\n');
  assert.equal(lines.length, arch.length + 2);
  assert.equal(lines[1], `  ${JSON.stringify(arch[0])},`);
  assert.deepEqual(parseArch(text), arch);
  assert.equal(archJson('|nor_conv_3x3~0|'), '"|nor_conv_3x3~0|"');
});

test('control characters in an ARCH never reach a message unescaped', () => {
  refused(() => parseArch([{ ...CONV, '\u001b[31mred': 1 }]), /field '\\u001b\[31mred': unknown field/);
  refused(() => parseArch([{ ...CONV, activation: '\u001b[2J' }]), /not '\\u001b\[2J'/);
  refused(() => parseArch('[\u0007]'), /unexpected character '\\u0007'/);
});
