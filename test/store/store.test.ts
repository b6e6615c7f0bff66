import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store, newLeaseHolder } from '../../src/store/index.js';
import { BUDGET, newTrial, state, tmpFile, withExperiment } from './helpers.js';

test('a new database gets the schema, WAL journal and the nas application id; reopening migrates nothing twice', () => {
  const file = tmpFile();
  Store.open(file, { create: true }).close();
  Store.open(file, { create: false }).close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('application_id', { simple: true }), 0x6e617331);
  assert.deepEqual(db.prepare('SELECT version FROM schema_version').all(), MIGRATIONS.map((_, i) => ({ version: i + 1 })));
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  assert.deepEqual(tables, ['controller_states', 'controller_updates', 'epochs', 'evaluator_checkpoints', 'experiments', 'replays', 'schema_version', 'trials']);
  db.close();
});

test('a file that is not SQLite, or a foreign SQLite database, is refused and left untouched', () => {
  const text = tmpFile('notes.txt');
  fs.writeFileSync(text, 'these are my notes, not a database\n'.repeat(20));
  const before = fs.readFileSync(text);
  assert.throws(() => Store.open(text, { create: true }), (e: Error) => e instanceof StoreError && /is not a SQLite database/.test(e.message));
  assert.deepEqual(fs.readFileSync(text), before);
  assert.deepEqual(fs.readdirSync(path.dirname(text)), ['notes.txt']);

  const foreign = tmpFile('other.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE birds (name TEXT)');
  db.close();
  const foreignBefore = fs.readFileSync(foreign);
  assert.throws(() => Store.open(foreign, { create: true }), /SQLite database of another application/);
  assert.deepEqual(fs.readFileSync(foreign), foreignBefore);
});

test('readers never create a database', () => {
  const file = tmpFile();
  assert.throws(() => Store.open(file, { create: false }), (e: Error) => e instanceof StoreError && /no database at/.test(e.message));
  assert.equal(fs.existsSync(file), false);
});

test('a batch is queued with the state that proposed it; results and the updated state commit together or not at all', () => {
  const { store, id } = withExperiment();
  const queued = store.queueBatch(id, 0, [newTrial(1), newTrial(2)], state(0, 'asked', 0));
  assert.deepEqual(queued.map((t) => [t.seq, t.status, t.batch]), [[1, 'queued', 0], [2, 'queued', 0]]);
  assert.equal(store.controller.latestState(id)!.phase, 'asked');

  store.trials.acquire(queued[0]!.id, newLeaseHolder(), 60_000);
  store.trials.recordEpoch(queued[0]!.id, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.6, seconds: 1 });
  store.trials.finish(queued[0]!.id, { status: 'completed', reward: 0.6, valAcc: 0.6 });
  const commit = {
    experimentId: id,
    batch: 0,
    results: [{ trialId: queued[1]!.id, result: { status: 'completed' as const, reward: 0.7, valAcc: 0.7 } }],
    diagnostics: { step: 1, meanReward: 0.65, baseline: 0.65, advantageStd: 0.05, entropy: 1, entropyPerDecision: [1], collapseWarning: false },
    snapshot: state(0, 'told', 2),
  };
  assert.throws(() => store.commitBatch({ ...commit, beforeCommit: () => { throw new Error('killed mid-commit'); } }), /killed mid-commit/);
  assert.equal(store.trials.byId(queued[1]!.id)!.status, 'queued', 'rolled back');
  assert.equal(store.controller.latestState(id)!.phase, 'asked');
  assert.equal(store.controller.updates(id).length, 0);

  store.commitBatch(commit);
  assert.equal(store.trials.byId(queued[1]!.id)!.reward, 0.7);
  assert.deepEqual(store.controller.latestState(id), state(0, 'told', 2));
  assert.equal(store.controller.updates(id)[0]!.diagnostics.meanReward, 0.65);
  assert.equal(store.trials.epochs(queued[0]!.id)[0]!.valAcc, 0.6);
  store.close();
});

test('trials keep their budget; experiments their config and its version, which updateConfig keeps or replaces', () => {
  const { store, id } = withExperiment();
  const [trial] = store.queueBatch(id, 0, [newTrial(1)], state(0, 'asked', 0));
  assert.deepEqual(store.trials.byId(trial!.id)!.budget, BUDGET);
  assert.equal(store.experiments.byId(id)!.configVersion, 3);
  store.experiments.updateConfig(id, { trials: 8 });
  assert.deepEqual([store.experiments.byId(id)!.config, store.experiments.byId(id)!.configVersion], [{ trials: 8 }, 3]);
  store.experiments.updateConfig(id, { trials: 9 }, 4);
  assert.equal(store.experiments.latest()!.configVersion, 4);
  store.close();
});

test('a replay keeps its settings and test evaluation; a NaN loss comes back as NaN', () => {
  const { store, id } = withExperiment();
  const [trial] = store.queueBatch(id, 0, [newTrial(1)], state(0, 'asked', 0));
  const evaluation = { accuracy: 0.9, loss: Number.NaN, confusion: [[1, 0], [0, 1]], perClass: [{ precision: 1, recall: 1, f1: 1, support: 1 }] };
  const replay = store.replays.record({
    trialId: trial!.id,
    arch: trial!.arch,
    dataset: 'synthetic',
    epochs: 3,
    settings: { epochs: 3, seed: 7, learningRate: 0.01 },
    evaluation,
    modelPath: null,
    backend: 'cpu',
    seconds: 1.5,
  });
  assert.deepEqual(store.replays.forTrial(trial!.id), [replay]);
  assert.deepEqual(replay.settings, { epochs: 3, seed: 7, learningRate: 0.01 });
  assert.deepEqual(replay.evaluation, evaluation);
  store.close();
});

test('lookups: best trials, earlier evaluation of a hash, trial references, missing ones', () => {
  const { store, id } = withExperiment();
  const trials = store.queueBatch(id, 0, [newTrial(1, 'a'), newTrial(2, 'b'), newTrial(3, 'a')], state(0, 'asked', 0));
  store.trials.finish(trials[0]!.id, { status: 'completed', reward: 0.4 });
  store.trials.finish(trials[1]!.id, { status: 'completed', reward: 0.9 });
  store.trials.finish(trials[2]!.id, { status: 'duplicate', reward: 0.4, duplicateOf: 1 });
  assert.deepEqual(store.trials.top(id, 5).map((t) => t.seq), [2, 1], 'duplicates are not listed twice');
  assert.equal(store.trials.evaluatedByHash(id, 'a', 3)!.seq, 1);
  assert.equal(store.trials.evaluatedByHash(id, 'a', 1), undefined);
  assert.equal(store.findTrial(String(trials[1]!.id)).seq, 2);
  assert.equal(store.findTrial('e:3').status, 'duplicate');
  assert.throws(() => store.findTrial('999'), (e: Error) => e instanceof StoreError && /no trial 999/.test(e.message));
  assert.throws(() => store.findTrial('x:1'), /no experiment named 'x'/);
  assert.throws(() => store.findTrial('best'), /not a trial reference/);
  const [summary] = store.experiments.list();
  assert.deepEqual([summary!.trials, summary!.finished, summary!.bestReward], [3, 3, 0.9]);
  store.close();
});

test('a writer waits for another process\'s write transaction instead of failing with "database is locked"', async () => {
  const file = tmpFile();
  const { store, id } = withExperiment(file);
  store.close();
  const blocker = new Database(file);
  blocker.exec('BEGIN IMMEDIATE');
  const storeModule = new URL('../../src/store/index.js', import.meta.url).href;
  const script = `
    const { Store } = await import(${JSON.stringify(storeModule)});
    const store = Store.open(${JSON.stringify(file)}, { create: false });
    process.stderr.write('opened\\n');
    const started = Date.now();
    store.experiments.setStatus(${id}, 'stopped', 'written by the child');
    store.close();
    console.log(Date.now() - started);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let released = false;
  child.stderr.on('data', (chunk) => {
    if (released || !String(chunk).includes('opened')) return (output += chunk);
    released = true;
    setTimeout(() => blocker.exec('COMMIT'), 300);
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  blocker.close();
  assert.equal(code, 0, output);
  assert.ok(Number(output) >= 100, `the child waited for the lock (${output.trim()} ms)`);
  const reader = Store.open(file, { create: false });
  assert.equal(reader.experiments.byId(id)!.message, 'written by the child');
  reader.close();
});
