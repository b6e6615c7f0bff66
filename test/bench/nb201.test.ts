import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { runSearch201 } from '../../bench/nb201/search-run.js';
import { createStrategy, type StrategyName } from '../../src/controller/index.js';
import { createTableEvaluator } from '../../src/evaluation/index.js';
import { bindSpace, loadSpace } from '../../src/space/index.js';
import { readTable } from '../../src/tabular/index.js';
import { shippedFile } from '../../src/util/paths.js';

/**
 * The rows of the NAS-Bench-201 table (../shared/data/nasbench201, MIT) for the 3,345 cells these 60 runs visit,
 * so that the test runs on any clone; a run that asked for another cell would fail on the lookup.
 */
const TABLE = shippedFile('test', 'fixtures', 'nb201', 'visited-cells.csv');

interface Choice {
  strategy: StrategyName;
  run: number;
  arch: string;
  reward: number;
}

function fixture(strategy: StrategyName): Choice[] {
  const text = fs.readFileSync(shippedFile('test', 'fixtures', 'nb201', `${strategy}.jsonl`), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as Choice);
}

for (const strategy of ['random', 'evolution', 'reinforce'] as StrategyName[]) {
  test(`NB-201 through the search loop: ${strategy} chooses, run by run, the architecture it chose before the redesign`, async () => {
    await tf.setBackend('wasm');
    const table = readTable(TABLE);
    const expected = fixture(strategy);
    assert.equal(expected.length, 20);
    for (const { run, arch, reward } of expected) {
      const space = bindSpace(loadSpace('nb201'), { input: [32, 32, 3], classes: 10 });
      const makeStrategy = () => createStrategy(strategy, { process: space, seed: run });
      const result = await runSearch201(makeStrategy, space, createTableEvaluator(table), 100, 1000);
      assert.deepEqual({ run, arch: result.arch, reward: result.reward }, { run, arch, reward }, `${strategy} run ${run}`);
      assert.ok(result.distinct <= 100 && result.samples <= 1000);
    }
  });
}
