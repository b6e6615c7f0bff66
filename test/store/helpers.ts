import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, MIGRATIONS } from '../../src/store/schema.js';
import { Store, type ControllerState, type NewTrial, type TrialBudget } from '../../src/store/index.js';

export const BUDGET: TrialBudget = { epochs: 2, seed: 7 };

export function tmpFile(name = 'r.db'): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-store-')), name);
}

export function newTrial(seq: number, hash = `h${seq}`): NewTrial {
  return { seq, decisions: [seq], arch: [{ type: 'T' }], hash, budget: BUDGET, params: 10 * seq, macs: 100 * seq };
}

export function withExperiment(file = tmpFile()): { store: Store; id: number } {
  const store = Store.open(file, { create: true });
  const { id } = store.experiments.create({
    name: 'e',
    dataset: 'synthetic',
    space: 'tiny',
    strategy: 'random',
    seed: 1,
    config: { trials: 4 },
    configVersion: 3,
  });
  return { store, id };
}

export const state = (batch: number, phase: 'asked' | 'told', consumed: number): ControllerState => ({
  batch,
  phase,
  trialsConsumed: consumed,
  strategy: 'random',
  state: new Uint8Array([batch, consumed]),
});

/** A database as the first schema wrote it: one experiment 'old' left running, with one running trial. */
export function schemaOneDatabase(file: string, trialBudgetJson: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0]!);
  db.exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
           INSERT INTO schema_version VALUES (1, 'then');
           INSERT INTO experiments (name, dataset, space, strategy, seed, config, status, created_at, updated_at)
             VALUES ('old', 'synthetic', 'tiny', 'random', 1, '{}', 'running', 'then', 'then');
           INSERT INTO trials (experiment_id, seq, batch, decisions, arch, hash, status, hyper, created_at, attempts)
             VALUES (1, 1, 0, '[1]', '[]', 'h', 'running', '${trialBudgetJson}', 'then', 1);`);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.close();
}
