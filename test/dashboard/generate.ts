/**
 * Results databases for the dashboard's tests and bench, written through the Store API: experiments of any size
 * with every trial status, per-epoch metrics, controller updates, and optionally replays.
 */
import seedrandom from 'seedrandom';
import { inferCost, type Arch, type Layer } from '../../src/space/index.js';
import { Store, type TrialResult } from '../../src/store/index.js';

export interface GeneratedExperiment {
  name: string;
  trials: number;
  epochs?: number;
  batchSize?: number;
  strategy?: string;
  seed?: number;
}

const INPUT: [number, number, number] = [16, 16, 1]; // the synthetic dataset's images (4 classes)
const CLASSES = 4;

/** A random small CNN for 16x16x1 images: 1-4 conv layers, maybe pools, the classifier. */
function randomArch(random: () => number): Arch {
  const layers: Layer[] = [];
  const depth = 1 + Math.floor(random() * 4);
  let size = 16;
  for (let i = 0; i < depth; i++) {
    const kernel = random() < 0.5 ? 1 : 3;
    layers.push({ type: 'C', num_output: 2 ** (1 + Math.floor(random() * 5)), kernel_size: [kernel, kernel], stride: [1, 1], activation: 'relu', padding: 'same', batch_norm: random() < 0.3, drop_out: 0, skip_from: null });
    if (size > 2 && random() < 0.4) {
      layers.push({ type: 'P', pool: random() < 0.5 ? 'max' : 'avg', kernel_size: [2, 2], stride: [2, 2], padding: 'same', drop_out: 0 });
      size /= 2;
    }
  }
  layers.push({ type: 'T' });
  return layers;
}

/** Writes one experiment (status completed) with `trials` trials into `store`; returns its id. */
export function generateExperiment(store: Store, spec: GeneratedExperiment): number {
  const random = seedrandom(`${spec.name}:${spec.seed ?? 1}`);
  const epochs = spec.epochs ?? 3;
  const batchSize = spec.batchSize ?? 10;
  const { id } = store.experiments.create({
    name: spec.name,
    dataset: 'synthetic',
    space: 'tiny',
    strategy: spec.strategy ?? 'reinforce',
    seed: spec.seed ?? 1,
    config: { dataset: 'synthetic', trials: spec.trials, epochs, strategy: spec.strategy ?? 'reinforce' },
    configVersion: 1,
  });
  const seen = new Map<string, number>();
  store.transaction(() => {
    for (let batch = 0, seq = 1; seq <= spec.trials; batch++) {
      const newTrials = [];
      for (let i = 0; i < batchSize && seq <= spec.trials; i++, seq++) {
        const arch = randomArch(random);
        const cost = inferCost(arch, INPUT, CLASSES);
        const hash = `${Math.floor(random() * 0x7fffffff).toString(16).padStart(8, '0')}${String(cost.params).padStart(8, '0')}`;
        newTrials.push({ seq, decisions: [seq % 7, seq % 3], arch, hash, budget: { epochs, seed: seq }, params: cost.params, macs: cost.macs });
      }
      const queued = store.trials.insertQueued(id, batch, newTrials);
      const rewards: number[] = [];
      for (const trial of queued) {
        const result = settle(store, trial.id, trial.seq, trial.params!, trial.hash, epochs, random, seen);
        rewards.push(result.reward);
      }
      const progress = (batch * batchSize) / spec.trials;
      const entropyPerDecision = Array.from({ length: 8 }, (_, d) => Math.max(0.02, (1.2 - progress) * (0.5 + 0.5 * Math.sin(d + batch / 5))));
      const entropy = entropyPerDecision.reduce((a, b) => a + b, 0);
      store.controller.recordUpdate(id, batch, Math.min(spec.trials, (batch + 1) * batchSize), {
        step: batch + 1,
        meanReward: rewards.reduce((a, b) => a + b, 0) / rewards.length,
        baseline: 0.4 + 0.3 * progress,
        advantageStd: 0.03,
        entropy,
        entropyPerDecision,
        collapseWarning: entropy < 0.5,
      });
    }
  });
  store.experiments.setStatus(id, 'completed');
  store.experiments.addWallSeconds(id, spec.trials * 0.5);
  return id;
}

function settle(store: Store, trialId: number, seq: number, params: number, hash: string, epochs: number, random: () => number, seen: Map<string, number>): TrialResult {
  const roll = random();
  const final = 0.3 + 0.5 * Math.min(1, Math.log10(params) / 6) + 0.15 * random();
  let result: TrialResult;
  if (roll < 0.1 && seen.size > 0) {
    const [, original] = [...seen.entries()][Math.floor(random() * seen.size)]!;
    result = { status: 'duplicate', reward: 0.5, valAcc: 0.5, duplicateOf: original, epochsRun: 0 };
  } else if (roll < 0.14) {
    result = { status: 'failed', reward: 0, error: 'error: out of memory in a worker', epochsRun: 0 };
  } else {
    const pruned = roll < 0.24;
    const ran = pruned ? 1 + Math.floor(random() * Math.max(1, epochs - 1)) : epochs;
    let valAcc = 0;
    for (let epoch = 1; epoch <= ran; epoch++) {
      valAcc = final * (1 - 0.5 / (epoch + 0.5 * random()));
      store.trials.recordEpoch(trialId, { epoch, trainLoss: 1.5 - valAcc, trainAcc: valAcc + 0.02, valLoss: 1.6 - valAcc, valAcc, seconds: 0.4 });
    }
    result = { status: pruned ? 'pruned' : 'completed', reward: valAcc, valAcc, valLoss: 1.6 - valAcc, trainAcc: valAcc + 0.02, epochsRun: ran, durationSeconds: 0.4 * ran };
    seen.set(hash, seq);
  }
  store.trials.finish(trialId, { ...result, backend: 'fake', worker: 'fake' });
  return result;
}

/** A replay of a trial with a confusion matrix over the synthetic dataset's 4 classes. */
export function addReplay(store: Store, trialId: number): void {
  const trial = store.trials.byId(trialId)!;
  store.replays.record({
    trialId,
    arch: trial.arch,
    dataset: 'synthetic',
    epochs: 5,
    settings: { epochs: 5, learningRate: 0.001 },
    evaluation: {
      accuracy: 0.8125,
      loss: 0.52,
      confusion: [[40, 5, 3, 2], [4, 41, 3, 2], [2, 2, 39, 7], [1, 3, 6, 40]],
      perClass: [0.85, 0.8, 0.76, 0.78].map((f1, i) => ({ precision: f1, recall: f1 + 0.01, f1, support: 50 + i })),
    },
    modelPath: null,
    backend: 'wasm',
    seconds: 42,
  });
}
