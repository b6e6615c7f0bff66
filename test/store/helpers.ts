import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
