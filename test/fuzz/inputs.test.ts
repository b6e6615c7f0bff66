import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveRunOptions, resolveSearchConfig, type SearchOptions } from '../../src/app/options/index.js';
import { NasError } from '../../src/errors.js';
import { bindSpace, loadArchFile, loadSpace, parseArch, validateArch } from '../../src/space/index.js';
import { errors, listFiles, runCli, tmpDir, TINY_SPACE } from '../e2e/cli.js';

/**
 * Generated inputs never crash nas: every refusal is a NasError (one line, exit 2), never another exception.
 * Functions are fuzzed in-process (many cases, fast); the CLI is fuzzed through child processes (fewer cases),
 * checking exit codes, the one-line error and that a refusal writes nothing.
 */
const RUNS = Number(process.env.NAS_FUZZ_RUNS ?? 500);

/** Calls `work`; a NasError (a refusal) is fine, anything else fails the property with its stack. */
function refusesCleanly(work: () => unknown): boolean {
  try {
    work();
  } catch (error) {
    if (error instanceof NasError) return true;
    throw error;
  }
  return true;
}

const layerKind = fc.constantFrom('C', 'P', 'FC', 'T', 'D', 'X', '', 'c');
const smallValue = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, 1e9, 1e300, -0, 0.5, Number.MAX_SAFE_INTEGER),
  fc.constantFrom('relu', 'elu', 'max', 'avg', 'same', 'valid', 'x', ''),
  fc.boolean(),
  fc.constant(null),
  fc.tuple(fc.integer({ min: -1, max: 9 }), fc.integer({ min: -1, max: 9 })),
);
const layerObject = fc.record(
  {
    type: layerKind,
    num_output: smallValue,
    kernel_size: smallValue,
    stride: smallValue,
    activation: smallValue,
    pool: smallValue,
    padding: smallValue,
    batch_norm: smallValue,
    drop_out: smallValue,
    skip_from: smallValue,
    extra: smallValue,
  },
  { requiredKeys: ['type'] },
);
/** ARCH texts: JSON lists of plausible and broken layers, mangled JSON, and Python-literal notation. */
const archText = fc.oneof(
  fc.array(layerObject, { maxLength: 8 }).map((layers) => JSON.stringify(layers)),
  fc.array(layerObject, { maxLength: 6 }).map((layers) => `ARCH = ${JSON.stringify(layers).replace(/true/g, 'True').replace(/null/g, 'None')}`),
  fc.tuple(fc.array(layerObject, { maxLength: 4 }), fc.nat(), fc.string({ maxLength: 4 })).map(([layers, at, junk]) => {
    const text = JSON.stringify(layers);
    const cut = at % (text.length + 1);
    return text.slice(0, cut) + junk + text.slice(cut);
  }),
  fc.string({ maxLength: 40 }),
);

test('generated ARCH texts are accepted or refused with a NasError, never a crash', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'arch.json');
  fc.assert(
    fc.property(archText, (text) => {
      fs.writeFileSync(file, text);
      return refusesCleanly(() => validateArch(loadArchFile(file), { input: [28, 28, 1], classes: 10 }));
    }),
    { numRuns: RUNS },
  );
  fc.assert(fc.property(fc.jsonValue(), (value) => refusesCleanly(() => parseArch(value))), { numRuns: RUNS });
});

const choiceList = fc.oneof(fc.array(smallValue, { maxLength: 4 }), smallValue);
/** Space files: layer spaces with plausible and broken fields. */
const spaceText = fc.oneof(
  fc
    .record(
      {
        kind: fc.constantFrom('layers', 'cell', 'x'),
        name: fc.oneof(fc.constantFrom('s', 'tiny'), fc.string({ maxLength: 6 })),
        minLayers: smallValue,
        maxLayers: smallValue,
        defaultMaxMacs: smallValue,
        layers: fc.dictionary(layerKind, fc.dictionary(fc.constantFrom('num_output', 'kernel_size', 'stride', 'activation', 'pool', 'drop_out', 'batch_norm', 'bogus'), choiceList), {
          maxKeys: 3,
        }),
      },
      { requiredKeys: ['kind'] },
    )
    .map((space) => JSON.stringify(space)),
  fc.string({ maxLength: 30 }),
);

test('generated space files are loaded and bound or refused with a NasError, never a crash', () => {
  const dir = tmpDir();
  fc.assert(
    fc.property(spaceText, fc.integer({ min: 0, max: 1 }), (text, shape) => {
      const file = path.join(dir, 'space.json');
      fs.writeFileSync(file, text);
      const problem = shape === 0 ? { input: [28, 28, 1] as [number, number, number], classes: 10 } : { input: [8, 8, 3] as [number, number, number], classes: 2, maxMacs: 1000 };
      return refusesCleanly(() => bindSpace(loadSpace(file), problem));
    }),
    { numRuns: RUNS },
  );
});

const optionValue = fc.oneof(
  fc.integer({ min: -5, max: 100 }),
  fc.constantFrom(0, 0.5, 1e12, Number.NaN, Infinity, -1),
  fc.constantFrom('synthetic', 'fashion-mnist', 'imagenet', 'reinforce', 'random', 'median', 'none', 'adam', 'cost', 'wasm', '', '{"learningRate": -1}', '{"hiddenSize": 1e9}', '[1]', 'x\u001b[2J'),
);
const searchOptions = fc.dictionary(
  fc.constantFrom<keyof SearchOptions>(
    'dataset', 'space', 'strategy', 'controllerBatch', 'controllerOptions', 'trials', 'seed', 'epochs', 'trainLimit', 'valLimit',
    'valFraction', 'batchSize', 'learningRate', 'optimizer', 'objective', 'paramTarget', 'costWeight', 'maxParams', 'maxMacs',
    'prune', 'pruneMinTrials', 'failureReward', 'maxConsecutiveFailures', 'backend', 'labelMode',
  ),
  optionValue,
  { maxKeys: 6 },
);

test('generated search options resolve or are refused with a NasError, never a crash', () => {
  fc.assert(
    fc.property(searchOptions, (options) => refusesCleanly(() => resolveSearchConfig({ dataset: 'synthetic', space: TINY_SPACE, ...options } as SearchOptions))),
    { numRuns: RUNS },
  );
  const runArgs = fc.record({ concurrency: optionValue, threads: optionValue, timeLimitSeconds: optionValue, name: optionValue }, { requiredKeys: [] });
  fc.assert(fc.property(runArgs, (args) => refusesCleanly(() => resolveRunOptions(args as never, () => 1))), { numRuns: RUNS });
});

const FLAGS = ['--trials', '--epochs', '--batch-size', '--max-params', '--max-macs', '--controller-options', '--strategy', '--name', '--concurrency', '--train-limit', '--prune', '--seed'];
const argvCase = fc.array(fc.tuple(fc.constantFrom(...FLAGS), optionValue.map(String)), { minLength: 1, maxLength: 3 });

test('nas search with generated arguments: exit 0 or 2, one line on a refusal, and a refusal writes nothing', async () => {
  const cases = fc.sample(argvCase, { numRuns: Number(process.env.NAS_FUZZ_CLI_RUNS ?? 30), seed: 7 });
  for (const pairs of cases) {
    const dir = tmpDir();
    const args = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', '2', '--epochs', '1', '--quiet', '--db', 'f.db', ...pairs.flat()];
    const result = await runCli(args, { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake' } });
    const what = `nas ${args.join(' ')}: ${result.stderr}`;
    assert.ok(result.code === 0 || result.code === 2, `exit ${result.code}: ${what}`);
    if (result.code === 2) {
      const lines = errors(result).split('\n').filter((line) => !line.startsWith('nas: warning:'));
      assert.equal(lines.length, 1, what);
      assert.match(lines[0]!, /^nas: error: /, what);
      assert.deepEqual(listFiles(dir), [], `a refusal wrote nothing: ${what}`);
    }
  }
});
