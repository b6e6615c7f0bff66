import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archHash, bindSpace, canonicalArch, loadSpace, parseArch } from '../../src/space/index.js';
import { sampler } from './sample.js';

const conv = (extra: object = {}) => ({ type: 'C', num_output: 16, kernel_size: [3, 3], ...extra });
const identityPool = { type: 'P', pool: 'max', kernel_size: 1, stride: 1 };

test('equivalent spellings hash equal', () => {
  const same: [string, unknown, unknown][] = [
    ['drop_out 0 or absent', [conv({ drop_out: 0 })], [conv()]],
    ['3 or [3, 3]', [conv({ kernel_size: 3, stride: 1 })], [conv({ stride: [1, 1] })]],
    ['key order', [{ kernel_size: [3, 3], num_output: 16, type: 'C' }], [conv()]],
    ['defaults spelled out', [conv({ padding: 'same', batch_norm: false, activation: 'relu', skip_from: null })], [conv()]],
    ['T with activation None, without, or missing', [conv(), { type: 'T', activation: null }], [conv()]],
    ['Python-literal text or JSON value', "ARCH = [{'num_output': 16, 'type': 'C', 'kernel_size': (3, 3)}]", [conv()]],
    ["padding of a 1x1 kernel", [conv({ kernel_size: 1, padding: 'valid' })], [conv({ kernel_size: 1 })]],
    ['kernel of a global average pool', [conv(), { type: 'P', pool: 'global_avg', kernel_size: 4 }], [conv(), { type: 'P', pool: 'global_avg' }]],
    ['an identity pool removed', [conv(), identityPool, { type: 'FC', num_output: 8 }], [conv(), { type: 'FC', num_output: 8 }]],
    ['an identity pool removed, skip remapped', [conv(), identityPool, conv({ skip_from: 1 })], [conv(), conv({ skip_from: 0 })]],
    ['a leading identity pool: skip to the input', [identityPool, conv({ num_output: 3 }), conv({ num_output: 3, skip_from: 0 })], [conv({ num_output: 3 }), conv({ num_output: 3, skip_from: -1 })]],
    ['a skip beyond an identity pool shifts', [identityPool, conv(), conv(), conv({ skip_from: 1 })], [conv(), conv(), conv({ skip_from: 0 })]],
  ];
  for (const [why, a, b] of same) {
    assert.deepEqual(canonicalArch(a), canonicalArch(b), why);
    assert.equal(archHash(a), archHash(b), why);
  }
});

test('different ARCHs hash differently', () => {
  const variants: unknown[] = [
    [conv()],
    [conv({ drop_out: 10 })],
    [conv({ stride: 2 })],
    [conv({ activation: 'elu' })],
    [conv({ padding: 'valid' })],
    [conv({ batch_norm: true })],
    [conv({ kernel_size: [3, 5] })],
    [conv(), conv()],
    [conv(), conv({ skip_from: 0 })],
    [conv(), conv({ skip_from: -1 })],
    [conv(), { type: 'P', pool: 'max', kernel_size: 1, stride: 1, drop_out: 10 }],
    [conv(), { type: 'P', pool: 'max', kernel_size: 2 }],
    [conv(), { type: 'P', pool: 'avg', kernel_size: 2 }],
    [conv(), { type: 'FC', num_output: 16 }],
  ];
  const hashes = variants.map(archHash);
  assert.equal(new Set(hashes).size, variants.length);
  hashes.forEach((hash) => assert.match(hash, /^[0-9a-f]{16}$/));
});

test('the hash is stable across versions (pinned value)', () => {
  // Pinned so that stored hashes stay valid: change only with a migration of results databases.
  assert.equal(archHash(parseArch([conv()])), archHash([conv(), { type: 'T' }]));
  assert.equal(archHash([conv()]), '975c0d19073814ec');
});

test('1,000 distinct sampled ARCHs give 1,000 distinct hashes', () => {
  for (const name of ['seed-cnn', 'cifar-deep']) {
    const process = bindSpace(loadSpace(name), { input: [32, 32, 3], classes: 10 });
    const sample = sampler(process, `distinct-${name}`);
    const archs = new Map<string, string>();
    while (archs.size < 1000) {
      const decisions = sample();
      const candidate = process.decode(decisions);
      archs.set(JSON.stringify(candidate), process.hash(decisions));
    }
    assert.equal(new Set(archs.values()).size, 1000, name);
  }
});
