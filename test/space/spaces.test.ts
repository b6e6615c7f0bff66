import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArchError, SpaceError } from '../../src/errors.js';
import {
  archHash,
  bindSpace,
  canonicalArch,
  checkSpace,
  listShippedSpaces,
  loadArchFile,
  loadSpace,
  validateArch,
  type Arch,
  type DecisionProcess,
  type Shape3,
} from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { sampler } from './sample.js';

const INPUTS: Shape3[] = [
  [28, 28, 1],
  [32, 32, 3],
];
const layerSpaces = () => listShippedSpaces().filter((name) => loadSpace(name).kind === 'layers');

function archOf(process: DecisionProcess, decisions: number[]): Arch {
  const candidate = process.decode(decisions);
  assert.equal(candidate.kind, 'arch');
  return (candidate as { arch: Arch }).arch;
}

test('the shipped spaces include seed-cnn, cifar-deep, fashion and nb201', () => {
  for (const name of ['cifar-deep', 'fashion', 'nb201', 'seed-cnn']) assert.ok(listShippedSpaces().includes(name), name);
  assert.ok(layerSpaces().includes('seed-cnn') && layerSpaces().includes('cifar-deep'));
});

for (const name of layerSpaces()) {
  for (const input of INPUTS) {
    test(`${name}: 1,000 ARCHs sampled through the masks validate for ${input.join('x')} and round-trip`, () => {
      const problem = { input, classes: 10 };
      const process = bindSpace(loadSpace(name), problem);
      const sample = sampler(process, `${name}-${input.join('x')}`);
      for (let i = 0; i < 1000; i++) {
        const decisions = sample();
        assert.ok(decisions.length <= process.maxDecisions);
        const arch = archOf(process, decisions);
        validateArch(arch, problem);
        assert.deepEqual(archOf(process, process.encode({ kind: 'arch', arch })), canonicalArch(arch));
        assert.deepEqual(process.encode({ kind: 'arch', arch }), decisions);
        assert.equal(process.hash(decisions), archHash(arch));
      }
    });
  }
}

test('under a parameter cap the masks never yield an over-cap ARCH', () => {
  const cases: [string, Shape3, number, number][] = [
    ['cifar-deep', [32, 32, 3], 100, 120_000],
    ['seed-cnn', [28, 28, 1], 10, 40_000],
    ['seed-cnn', [32, 32, 3], 100, 200_000],
  ];
  for (const [name, input, classes, maxParams] of cases) {
    const problem = { input, classes, maxParams };
    const process = bindSpace(loadSpace(name), problem);
    const sample = sampler(process, `cap-${name}`);
    let largest = 0;
    for (let i = 0; i < 500; i++) {
      const cost = validateArch(archOf(process, sample()), problem);
      largest = Math.max(largest, cost.params);
    }
    // The cap binds (some samples come close to it) and is never exceeded (validateArch throws over it).
    assert.ok(largest > maxParams * 0.5, `${name}: largest ${largest}`);
  }
});

test('under a MAC cap, alone or with a parameter cap, the masks never yield an over-cap ARCH', () => {
  const cases: [string, Shape3, number, { maxMacs: number; maxParams?: number }][] = [
    ['seed-cnn', [28, 28, 1], 10, { maxMacs: 2_000_000 }],
    ['seed-cnn', [32, 32, 3], 100, { maxMacs: 5_000_000, maxParams: 200_000 }],
    ['cifar-deep', [32, 32, 3], 100, { maxMacs: 10_000_000 }],
    ['fashion', [28, 28, 1], 10, { maxMacs: 2_000_000, maxParams: 100_000 }],
  ];
  for (const [name, input, classes, caps] of cases) {
    const problem = { input, classes, ...caps };
    const process = bindSpace(loadSpace(name), problem);
    const sample = sampler(process, `mac-cap-${name}`);
    let largest = 0;
    let largestParams = 0;
    for (let i = 0; i < 300; i++) {
      const cost = validateArch(archOf(process, sample()), problem);
      largest = Math.max(largest, cost.macs);
      largestParams = Math.max(largestParams, cost.params);
    }
    assert.ok(largest > caps.maxMacs * 0.5, `${name}: largest ${largest} MACs`);
    if (caps.maxParams) assert.ok(largestParams > caps.maxParams * 0.3, `${name}: largest ${largestParams} parameters`);
  }
});

test('MAC cap: validateArch and bindSpace say what is over the cap', () => {
  const arch = [{ type: 'C', num_output: 2, kernel_size: 3 }, { type: 'T' }];
  const problem = { input: [6, 6, 1] as Shape3, classes: 3 };
  assert.equal(validateArch(arch, problem).macs, 6 * 6 * 9 * 2 + 72 * 3);
  assert.throws(() => validateArch(arch, { ...problem, maxMacs: 300 }), (e: Error) => e instanceof ArchError && /needs 864 MACs per image, over the cap of 300/.test(e.message));
  assert.throws(() => bindSpace(TINY, { ...problem, maxMacs: 10 }), (e: Error) => e instanceof SpaceError && /cheapest needs \d+ MACs, over the cap of 10/.test(e.message));
  assert.throws(() => bindSpace(TINY, { ...problem, maxMacs: 0 }), /MAC cap must be positive/);
});

/** A small space where every corner matters: 'valid' padding, strides, skips, global pooling, a cap. */
const TINY = checkSpace(
  {
    kind: 'layers',
    name: 'tiny',
    minLayers: 1,
    maxLayers: 3,
    maxFC: 1,
    layers: {
      C: { num_output: [1, 2], kernel_size: [3, 5], stride: [1, 2], padding: ['same', 'valid'], skip_back: [0, 2] },
      P: { pool: ['max', 'global_avg'], kernel_size: [2, 3], stride: [2], padding: ['same', 'valid'] },
      FC: { num_output: [4], batch_norm: [false, true] },
    },
  },
  'tiny.json',
);

test('the masks offer exactly the valid ARCHs under no cap, a parameter cap, a MAC cap and both (exhaustive, small space)', () => {
  const input: Shape3 = [6, 6, 1];
  const all = bruteForce({ input, classes: 3 });
  const sizes: number[] = [];
  const capsList: { maxParams?: number; maxMacs?: number }[] = [{}, { maxParams: 60 }, { maxParams: 100 }, { maxMacs: 400 }, { maxParams: 100, maxMacs: 400 }];
  for (const caps of capsList) {
    const process = bindSpace(TINY, { input, classes: 3, ...caps });
    const throughMasks = new Set<string>();
    const walk = (prefix: number[]): void => {
      const next = process.next(prefix);
      if (!next) {
        throughMasks.add(archHash(archOf(process, prefix)));
        return;
      }
      next.mask.forEach((ok, choice) => ok && walk([...prefix, choice]));
    };
    walk([]);
    const valid = [...all]
      .filter(([, cost]) => cost.params <= (caps.maxParams ?? Infinity) && cost.macs <= (caps.maxMacs ?? Infinity))
      .map(([hash]) => hash);
    assert.deepEqual([...throughMasks].sort(), valid.sort(), JSON.stringify(caps));
    sizes.push(valid.length);
  }
  // Each cap binds, and both together exclude more than either alone.
  assert.ok(sizes[0] > sizes[2] && sizes[2] > sizes[1] && sizes[1] > 100, `sizes ${sizes}`);
  assert.ok(sizes[0] > sizes[3] && sizes[2] > sizes[4] && sizes[3] > sizes[4], `sizes ${sizes}`);
});

/** Every ARCH of TINY's vocabulary, without masks, that validateArch accepts: hash -> parameter and MAC counts. */
function bruteForce(problem: { input: Shape3; classes: number }): Map<string, { params: number; macs: number }> {
  const convs = product({ num_output: [1, 2], kernel_size: [3, 5], stride: [1, 2], padding: ['same', 'valid'], back: [0, 2] });
  const pools = [
    ...product({ pool: ['max'], kernel_size: [2, 3], stride: [2], padding: ['same', 'valid'] }),
    { pool: 'global_avg' },
  ];
  const layersAt = (index: number, afterFC: boolean): object[] => [
    ...(afterFC ? [] : convs.map(({ back, ...c }) => ({ type: 'C', ...c, skip_from: back === 0 ? null : index - (back as number) }))),
    ...(afterFC ? [] : pools.map((p) => ({ type: 'P', ...p }))),
    ...(afterFC ? [] : [false, true].map((batch_norm) => ({ type: 'FC', num_output: 4, batch_norm }))),
  ];
  const hashes = new Map<string, { params: number; macs: number }>();
  const extend = (arch: object[]): void => {
    if (arch.length > 0 && (arch[0] as { type: string }).type === 'C') {
      try {
        const { params, macs } = validateArch(arch, problem);
        hashes.set(archHash(arch), { params, macs });
      } catch (error) {
        if (!(error instanceof ArchError)) throw error;
      }
    }
    if (arch.length === 3) return;
    const afterFC = arch.some((layer) => (layer as { type: string }).type === 'FC');
    // Default follows: C or P may follow C and P; maxFC 1: nothing follows the FC.
    for (const layer of layersAt(arch.length, afterFC)) extend([...arch, layer]);
  };
  extend([]);
  return hashes;
}

function product(fields: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(fields).reduce<Record<string, unknown>[]>(
    (rows, [key, values]) => rows.flatMap((row) => values.map((value) => ({ ...row, [key]: value }))),
    [{}],
  );
}

test('nb201: 6 decisions of 5 ops, arch strings round-trip, all 15,625 cells hash apart', () => {
  const process = bindSpace(loadSpace('nb201'), { input: [32, 32, 3], classes: 10 });
  assert.deepEqual(process.kinds, [{ name: 'nb201.op', labels: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] }]);
  assert.equal(process.maxDecisions, 6);
  const cell = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
  assert.deepEqual(process.encode({ kind: 'cell', arch: cell }), [3, 3, 4, 1, 3, 1]);
  assert.deepEqual(process.decode([3, 3, 4, 1, 3, 1]), { kind: 'cell', arch: cell });
  assert.equal(process.next([3, 3, 4, 1, 3, 1]), null);
  assert.deepEqual(process.next([0, 1]), { kind: 0, mask: [true, true, true, true, true] });
  const hashes = new Set<string>();
  for (let n = 0; n < 5 ** 6; n++) {
    const decisions = Array.from({ length: 6 }, (_, i) => Math.floor(n / 5 ** i) % 5);
    assert.deepEqual(process.encode(process.decode(decisions)), decisions);
    hashes.add(process.hash(decisions));
  }
  assert.equal(hashes.size, 5 ** 6);
  assert.throws(() => process.encode({ kind: 'cell', arch: '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|' }), /op 'conv' is not one of/);
  assert.throws(() => process.encode({ kind: 'cell', arch: '|none~0|+|none~0|none~1|' }), SpaceError);
  assert.throws(() => process.decode([0, 0, 0]), SpaceError);
});

test('layer spaces: decisions, stop, and errors for sequences and ARCHs outside the space', () => {
  const process = bindSpace(loadSpace('seed-cnn'), { input: [32, 32, 3], classes: 100 });
  assert.equal(process.kinds[0].name, 'layer');
  assert.deepEqual(process.kinds[0].labels, ['C', 'P', 'FC', 'stop']);
  // At the start only a conv may come (follows.start = [C]).
  assert.deepEqual(process.next([]), { kind: 0, mask: [true, false, false, false] });
  assert.throws(() => process.decode([1]), /decision 0 \(layer\): choice 1 \(P\) is not feasible/);
  assert.throws(() => process.decode([0]), /do not complete an ARCH/);
  const seed = loadArchFile(shippedFile('experiments', 'archs', 'seed-baseline.json'));
  assert.throws(() => process.encode({ kind: 'arch', arch: seed }), /layer 1, field 'drop_out': value 8.3 is not offered/);
  const plain = seed.map((layer) => ('drop_out' in layer ? { ...layer, drop_out: 0 } : layer));
  const decisions = process.encode({ kind: 'arch', arch: plain });
  assert.deepEqual(process.decode(decisions), { kind: 'arch', arch: canonicalArch(plain) });
  assert.throws(
    () => process.encode({ kind: 'arch', arch: [{ type: 'C', num_output: 17, kernel_size: 3 }] as never }),
    (error: Error) => error instanceof ArchError && /layer 0, field 'num_output'/.test(error.message),
  );
  assert.throws(() => process.encode({ kind: 'cell', arch: '|none~0|' }), SpaceError);
});

test('cifar-deep offers a skip only where the shapes match, and only FC or T after a global average pool', () => {
  const problem = { input: [32, 32, 3] as Shape3, classes: 100 };
  const process = bindSpace(loadSpace('cifar-deep'), problem);
  const sample = sampler(process, 'skips');
  let skips = 0;
  for (let i = 0; i < 1000; i++) {
    const arch = archOf(process, sample());
    skips += arch.filter((layer) => layer.type === 'C' && layer.skip_from !== null).length;
    arch.forEach((layer, i) => {
      if (layer.type === 'P' && layer.pool === 'global_avg') assert.ok(['FC', 'T'].includes(arch[i + 1].type), JSON.stringify(arch));
    });
    validateArch(arch, problem);
  }
  assert.ok(skips > 40, `only ${skips} skips sampled`);
});
