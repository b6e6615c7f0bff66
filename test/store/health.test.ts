import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { checkHealth, QUIET_MS } from '../../src/store/health.js';
import { newLeaseHolder, retireLeaseHolder } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { garbleRootPage } from './faults.js';
import { newTrial, schemaOneDatabase, state, tmpFile, withExperiment } from './helpers.js';

/** checkHealth, behind `nas db check`: integrity, schema version, experiments left 'running' with no owner. */

/** A closed database whose experiment 'e' is 'running' with two queued trials; the writer is returned open. */
function runningExperiment() {
  const file = tmpFile();
  const { store, id } = withExperiment(file);
  const trials = store.queueBatch(id, 0, [newTrial(1), newTrial(2)], state(0, 'asked', 0));
  return { file, store, id, trials };
}

test('a healthy database: intact, current schema; checking it writes nothing', () => {
  const { file, store } = runningExperiment();
  store.experiments.setStatus(1, 'completed');
  store.close();
  const before = fs.readFileSync(file);
  const report = checkHealth(file);
  assert.deepEqual(report, { file, damage: [], indexesOnly: false, schema: { version: MIGRATIONS.length, known: MIGRATIONS.length }, running: [] });
  assert.deepEqual(fs.readFileSync(file), before);
  assert.equal(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0, 0);
});

test('a running experiment with no running trial is stuck only once nothing has been written for QUIET_MS', () => {
  const { file, store } = runningExperiment();
  store.close();
  const [now] = checkHealth(file).running;
  assert.deepEqual([now!.name, now!.stuck, now!.trials, now!.finished, now!.runningTrials], ['e', false, 2, 0, 0]);
  const later = Date.parse(now!.lastWrite) + QUIET_MS;
  assert.equal(checkHealth(file, later).running[0]!.stuck, true);
});

test('a running trial under a live lease keeps its experiment alive; once its holder is gone, it is stuck at once', () => {
  const { file, store, trials } = runningExperiment();
  const holder = newLeaseHolder();
  store.trials.acquire(trials[0]!.id, holder, 10 * 60_000);
  const farLater = Date.now() + 2 * QUIET_MS;
  const live = checkHealth(file, farLater).running[0]!;
  assert.deepEqual([live.stuck, live.runningTrials, live.liveLeases], [false, 1, 1]);
  retireLeaseHolder(holder); // as if its process had died
  const gone = checkHealth(file).running[0]!;
  assert.deepEqual([gone.stuck, gone.runningTrials, gone.liveLeases], [true, 1, 0]);
  store.close();
});

test('a lease of another host is judged by its expiry alone', () => {
  const { file, store, trials } = runningExperiment();
  store.trials.acquire(trials[0]!.id, newLeaseHolder(), 60_000);
  store.close();
  const db = new Database(file);
  const expiresAt = Date.now() + 60_000;
  db.prepare(`UPDATE trials SET lease_owner = 'elsewhere:4242:abc', lease_expires_at = ? WHERE id = ?`).run(expiresAt, trials[0]!.id);
  db.close();
  assert.equal(checkHealth(file, expiresAt - 1).running[0]!.stuck, false);
  assert.equal(checkHealth(file, expiresAt).running[0]!.stuck, true);
});

test('a newer schema is reported, not refused; an older one is read as it is (a trial from before leases has none)', () => {
  const newer = tmpFile();
  withExperiment(newer).store.close();
  const db = new Database(newer);
  db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, 'later')`).run(MIGRATIONS.length + 1);
  db.close();
  assert.deepEqual(checkHealth(newer).schema, { version: MIGRATIONS.length + 1, known: MIGRATIONS.length });

  const older = tmpFile();
  schemaOneDatabase(older, '{}');
  const report = checkHealth(older);
  assert.deepEqual(report.schema, { version: 1, known: MIGRATIONS.length });
  assert.deepEqual(report.running.map((e) => [e.name, e.stuck, e.runningTrials]), [['old', true, 1]]);
});

test('a garbled table page is found and located; the header is intact, so the rest is still checked', () => {
  const { file, store } = runningExperiment();
  store.close();
  garbleRootPage(file, 'trials');
  const report = checkHealth(file);
  assert.ok(report.damage.length > 0);
  assert.ok(report.damage.every((finding) => finding.startsWith('table trials: ')), report.damage.join('\n'));
  assert.equal(report.indexesOnly, false);
  assert.deepEqual(report.schema, { version: MIGRATIONS.length, known: MIGRATIONS.length });
});

test('damage confined to an index is told apart (REINDEX can rebuild it from the tables)', () => {
  const { file, store } = runningExperiment();
  store.close();
  garbleRootPage(file, 'trials_by_reward');
  const report = checkHealth(file);
  assert.ok(report.damage.length > 0);
  assert.ok(report.damage.some((finding) => finding.includes('trials_by_reward')), report.damage.join('\n'));
  assert.equal(report.indexesOnly, true, report.damage.join('\n'));
});
