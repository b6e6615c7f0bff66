import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store, newLeaseHolder } from '../../src/store/index.js';
import { newTrial, schemaOneDatabase, state, tmpFile, withExperiment } from './helpers.js';

/** The bytes of the database and of its -wal (null when there is none). */
function bytesOf(file: string): { db: Buffer; wal: Buffer | null } {
  return { db: fs.readFileSync(file), wal: fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : null };
}

/** A database with every table filled; the writer stays open. */
function populated(): { store: Store; id: number; file: string } {
  const file = tmpFile();
  const { store, id } = withExperiment(file);
  const [first, second] = store.queueBatch(id, 0, [newTrial(1, 'a'), newTrial(2, 'b')], state(0, 'asked', 0));
  store.trials.acquire(first!.id, newLeaseHolder(), 60_000);
  store.trials.recordEpoch(first!.id, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.6, seconds: 1 });
  store.commitBatch({
    experimentId: id,
    batch: 0,
    results: [first!, second!].map((t, i) => ({ trialId: t.id, result: { status: 'completed' as const, reward: 0.6 + i / 10 } })),
    diagnostics: { step: 1, meanReward: 0.65, baseline: 0.6, advantageStd: 0.05, entropy: 1, entropyPerDecision: [1], collapseWarning: false },
    snapshot: state(0, 'told', 2),
  });
  const evaluation = { accuracy: 0.9, loss: 0.3, confusion: [[1]], perClass: [{ precision: 1, recall: 1, f1: 1, support: 1 }] };
  store.replays.record({ trialId: first!.id, arch: first!.arch, dataset: 'synthetic', epochs: 3, settings: { epochs: 3, seed: 7 }, evaluation, modelPath: null, backend: null, seconds: null });
  store.queueBatch(id, 1, [newTrial(3, 'a')], state(1, 'asked', 2));
  return { store, id, file };
}

/** Calls every read method of a store; returns what a reader would print. */
function readEverything(store: Store): unknown[] {
  const experiment = store.findExperiment();
  const trials = store.trials.list(experiment.id);
  const [first] = trials;
  return [
    store.experiments.list(),
    store.experiments.byName(experiment.name),
    store.experiments.byId(experiment.id),
    trials,
    store.trials.top(experiment.id, 5),
    store.trials.byId(first!.id),
    store.trials.bySeq(experiment.id, 2),
    store.trials.ofBatch(experiment.id, 1),
    store.trials.epochs(first!.id),
    store.trials.evaluatedByHash(experiment.id, 'a', 3),
    store.trials.valAccAtEpoch(experiment.id, 1, 1),
    store.trials.lease(first!.id),
    store.controller.updates(experiment.id),
    store.controller.latestState(experiment.id),
    store.replays.forTrial(first!.id),
    store.replays.byId(1),
    store.findTrial(`${experiment.name}:1`),
    store.findTrial(String(first!.id)),
  ];
}

test('a read-only store writes neither the database nor its WAL while a writer holds a non-empty WAL', () => {
  const { store: writer, id, file } = populated();
  writer.experiments.setStatus(id, 'stopped', 'only in the WAL');
  const before = bytesOf(file);
  assert.ok(before.wal && before.wal.length > 0, 'the writer left frames in the WAL');

  const reader = Store.openReadOnly(file);
  assert.equal(reader.readOnly, true);
  const seen = readEverything(reader);
  assert.equal(reader.findExperiment().message, 'only in the WAL', 'the reader sees what is only in the WAL');
  reader.close();
  assert.deepEqual(bytesOf(file), before);
  assert.deepEqual(readEverything(writer), seen, 'the reader read what the writer reads');
  writer.close();
});

test('a read-only store writes nothing once every connection has closed (the WAL checkpointed and gone)', () => {
  const { store: writer, file } = populated();
  writer.close();
  const before = bytesOf(file);
  assert.equal(before.wal, null);

  const reader = Store.openReadOnly(file);
  readEverything(reader);
  reader.close();
  const after = bytesOf(file);
  assert.deepEqual(after.db, before.db);
  // SQLite needs a -wal and a -shm to read a WAL database; with none there it creates them, the -wal empty.
  assert.ok(after.wal === null || after.wal.length === 0, 'no frame was written to a WAL');
  assert.deepEqual(readEverything(Store.openReadOnly(file)), readEverything(Store.open(file, { create: false })));
});

test('a read-only store reads the committed WAL of a writer that was killed, and writes neither file', async () => {
  const { store: writer, id, file } = populated();
  writer.close();
  const storeModule = new URL('../../src/store/index.js', import.meta.url).href;
  const script = `
    const { Store } = await import(${JSON.stringify(storeModule)});
    const store = Store.open(${JSON.stringify(file)}, { create: false });
    store.experiments.setStatus(${id}, 'failed', 'written before the kill');
    process.kill(process.pid, 'SIGKILL');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  assert.equal(await new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal))), 'SIGKILL');
  const before = bytesOf(file);
  assert.ok(before.wal && before.wal.length > 0, 'the killed writer left frames in the WAL');

  const reader = Store.openReadOnly(file);
  readEverything(reader);
  assert.equal(reader.findExperiment().message, 'written before the kill');
  reader.close();
  assert.deepEqual(bytesOf(file), before);
});

test('a database from a newer nas is refused by a reader with a clear message, and left unchanged', () => {
  const file = tmpFile();
  withExperiment(file).store.close();
  const db = new Database(file);
  db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, 'later')`).run(MIGRATIONS.length + 1);
  db.close();
  const before = bytesOf(file);
  const message = `${file} was written by a newer nas (schema ${MIGRATIONS.length + 1}, this one knows ${MIGRATIONS.length}); upgrade nas`;
  assert.throws(() => Store.openReadOnly(file), (e: Error) => e instanceof StoreError && e.message === message);
  assert.deepEqual(bytesOf(file).db, before.db);
  assert.ok([null, 0].includes(bytesOf(file).wal?.length ?? null));
  assert.throws(() => Store.open(file, { create: false }), (e: Error) => e instanceof StoreError && e.message === message);
});

test('writes through a read-only store throw and change nothing', () => {
  const { store: writer, id, file } = populated();
  const [trial] = writer.trials.ofBatch(id, 1);
  const before = bytesOf(file);
  const reader = Store.openReadOnly(file);
  const writes: (() => unknown)[] = [
    () => reader.experiments.create({ name: 'x', dataset: 'd', space: 's', strategy: 'random', seed: 1, config: {}, configVersion: 1 }),
    () => reader.experiments.setStatus(id, 'failed'),
    () => reader.trials.acquire(trial!.id, newLeaseHolder(), 1000),
    () => reader.trials.reclaimLapsed(id),
    () => reader.trials.recordEpoch(trial!.id, { epoch: 1, trainLoss: 1, trainAcc: 1, valLoss: 1, valAcc: 1, seconds: 1 }),
    () => reader.queueBatch(id, 2, [newTrial(4)], state(2, 'asked', 3)),
  ];
  for (const write of writes) assert.throws(write, /readonly database/);
  reader.close();
  assert.deepEqual(bytesOf(file), before);
  assert.equal(writer.trials.byId(trial!.id)!.status, 'queued');
  writer.close();
});

test('a reader opens a database at an older schema as it is: no migration, the new columns read as defaults', () => {
  const file = tmpFile();
  schemaOneDatabase(file, '{"epochs":3,"seed":1,"batchSize":8}');
  const before = bytesOf(file);

  const reader = Store.openReadOnly(file);
  const [summary] = reader.experiments.list();
  assert.deepEqual([summary!.name, summary!.configVersion, summary!.trials], ['old', 1, 1]);
  const trial = reader.findTrial('old:1');
  assert.deepEqual([trial.budget.epochs, trial.budget.seed, trial.budget['batchSize']], [3, 1, 8]);
  assert.equal(reader.trials.lease(trial.id), null);
  reader.close();
  assert.deepEqual(bytesOf(file).db, before.db);

  const writer = Store.open(file, { create: false });
  assert.equal(writer.trials.reclaimLapsed(1), 1, 'a running trial from before leases has no lease to wait for');
  writer.close();
});

test('a reader never creates a database, and refuses what is not a nas database', () => {
  const missing = tmpFile();
  assert.throws(() => Store.openReadOnly(missing), (e: Error) => e instanceof StoreError && /no database at/.test(e.message));
  assert.equal(fs.existsSync(missing), false);

  const text = tmpFile('notes.txt');
  fs.writeFileSync(text, 'not a database\n'.repeat(20));
  assert.throws(() => Store.openReadOnly(text), (e: Error) => e instanceof StoreError && /is not a SQLite database/.test(e.message));

  const foreign = tmpFile('other.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE birds (name TEXT)');
  db.close();
  const foreignBefore = fs.readFileSync(foreign);
  assert.throws(() => Store.openReadOnly(foreign), (e: Error) => e instanceof StoreError && /of another application/.test(e.message));
  assert.deepEqual(fs.readFileSync(foreign), foreignBefore);

  const empty = tmpFile('empty.db');
  fs.writeFileSync(empty, '');
  assert.throws(() => Store.openReadOnly(empty), (e: Error) => e instanceof StoreError && /holds no nas results yet/.test(e.message));
  assert.equal(fs.statSync(empty).size, 0);
});
