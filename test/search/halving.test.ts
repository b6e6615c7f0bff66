import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isRung } from '../../src/search/index.js';
import { Store } from '../../src/store/index.js';
import { search, tmpDir } from './helpers.js';

test('rungs sit at min-epochs x eta^k', () => {
  const rungs = (eta: number, minEpochs: number) => [...Array(30).keys()].map((e) => e + 1).filter((e) => isRung(e, { eta, minEpochs }));
  assert.deepEqual(rungs(3, 1), [1, 3, 9, 27]);
  assert.deepEqual(rungs(2, 3), [3, 6, 12, 24]);
});

test('--prune halving promotes the top 1/eta at each rung and stops the others there, on the fake evaluator', async () => {
  const db = path.join(tmpDir(), 'halving.db');
  const run = await search(db, { strategy: 'random', trials: 24, controllerBatch: 4, epochs: 9, prune: 'halving', halvingEta: 3, halvingMinEpochs: 1 });
  assert.equal(run.summary.status, 'completed');
  const store = Store.open(db, { create: false });
  try {
    const trials = store.trials.list(store.findExperiment().id).filter((t) => t.status === 'completed' || t.status === 'pruned');
    const curve = new Map(trials.map((t) => [t.id, store.trials.epochs(t.id).map((e) => e.valAcc)]));
    const stoppedAt = (epoch: number) => trials.filter((t) => t.status === 'pruned' && t.epochsRun === epoch).length;
    assert.ok(stoppedAt(1) > 0 && stoppedAt(3) > 0, `stopped at rung 1: ${stoppedAt(1)}, at rung 3: ${stoppedAt(3)}`);
    assert.ok(trials.some((t) => t.status === 'completed' && t.epochsRun === 9), 'some trial trained all 9 epochs');
    for (const trial of trials) {
      for (const rung of [1, 3]) {
        if (trial.epochsRun! < rung) continue;
        const earlier = trials.filter((t) => t.batch < trial.batch && t.epochsRun! >= rung).map((t) => curve.get(t.id)![rung - 1]!);
        const own = curve.get(trial.id)![rung - 1]!;
        const competing = [...earlier, own].sort((a, b) => b - a);
        const promoted = own >= competing[Math.max(0, Math.floor(competing.length / 3) - 1)]!;
        assert.equal(trial.epochsRun! > rung, promoted, `trial ${trial.seq} at rung ${rung}: ${own} among ${competing.join(', ')}`);
        if (!promoted) assert.equal(trial.status, 'pruned');
      }
      assert.ok([1, 3, 9].includes(trial.epochsRun!), `trial ${trial.seq} stopped at epoch ${trial.epochsRun}, not at a rung`);
    }
  } finally {
    store.close();
  }
});
