import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ResultsReader, Store } from '../../src/store/index.js';
import { makeDatabase, tmpDir } from './helpers.js';

test('the read-only views: experiments, trial lines from a seq, controller updates, epochs', () => {
  const file = path.join(tmpDir(), 'r.db');
  const { ids } = makeDatabase(file, [{ name: 'a', trials: 60 }, { name: 'b', trials: 25, strategy: 'random' }]);
  const store = Store.openReadOnly(file);
  const reader = ResultsReader.open(file);
  try {
    assert.deepEqual(reader.experiments().map((e) => [e.id, e.name, e.config['trials']]), [[ids[0], 'a', 60], [ids[1], 'b', 25]]);
    assert.deepEqual(reader.experiments([ids[1]!]).map((e) => e.name), ['b']);

    const lines = reader.trialLines(ids[0]!, 41);
    assert.deepEqual(lines.map((l) => l.seq), Array.from({ length: 20 }, (_, i) => 41 + i));
    const record = store.trials.bySeq(ids[0]!, 41)!;
    assert.deepEqual(lines[0], {
      id: record.id, seq: 41, batch: record.batch, status: record.status, reward: record.reward, valAcc: record.valAcc, valLoss: record.valLoss,
      params: record.params, macs: record.macs, epochsRun: record.epochsRun, durationSeconds: record.durationSeconds, finishedAt: record.finishedAt,
      hash: record.hash, duplicateOf: record.duplicateOf,
    });
    assert.deepEqual(reader.archJson([record.id]), new Map([[record.id, JSON.stringify(record.arch)]]));

    const updates = store.controller.updates(ids[0]!);
    const points = reader.controllerPoints(ids[0]!, 2);
    assert.deepEqual(points.map((p) => p.batch), updates.slice(2).map((u) => u.batch));
    assert.deepEqual(points[0]!.entropyPerDecision, updates[2]!.diagnostics.entropyPerDecision);
    assert.equal(points[0]!.entropy, updates[2]!.diagnostics.entropy);

    const trained = store.trials.top(ids[0]!, 3).map((t) => t.id);
    const epochs = reader.epochPoints(trained);
    for (const id of trained) assert.deepEqual(epochs.filter((e) => e.trialId === id).map(({ trialId: _, ...e }) => e), store.trials.epochs(id));
  } finally {
    reader.close();
    store.close();
  }
});

test('data_version moves when another connection commits, and reading changes no byte of the database', () => {
  const file = path.join(tmpDir(), 'r.db');
  makeDatabase(file, [{ name: 'a', trials: 10 }]);
  const reader = ResultsReader.open(file);
  const first = reader.dataVersion();
  reader.experiments();
  reader.trialLines(1);
  assert.equal(reader.dataVersion(), first, 'its own reads move nothing');
  const writer = Store.open(file, { create: false });
  writer.experiments.setStatus(1, 'stopped', 'by the test');
  assert.notEqual(reader.dataVersion(), first);
  assert.equal(reader.experiments()[0]!.status, 'stopped');
  writer.close();
  reader.close();
  const before = fs.readFileSync(file);
  const reopened = ResultsReader.open(file);
  reopened.experiments();
  reopened.trialLines(1);
  reopened.controllerPoints(1);
  reopened.epochPoints([1, 2, 3]);
  reopened.close();
  assert.deepEqual(fs.readFileSync(file), before);
  assert.throws(() => ResultsReader.open(path.join(path.dirname(file), 'missing.db')), /no database at/);
});
