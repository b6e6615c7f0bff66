/** The ranking bench's stand-alone side: one architecture trained as a standard search's proxy trains it. */
import { loadDataset } from '../../src/data/index.js';
import { searchHyperParams, trialSeed } from '../../src/evaluation/training.js';
import type { Arch } from '../../src/space/index.js';
import { runTrainJob } from '../../src/trainer/index.js';
import type { HyperParams, TrainJob } from '../../src/trainer/types.js';
import type { StandaloneRow } from './files.js';

export interface ProxySettings {
  seed: number;
  trainLimit: number;
  valLimit: number;
  valFraction: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: HyperParams['schedule'];
}

/** Trial numbers of repeat R start here, so that no repeat reuses another's trial seeds. */
const REPEAT_STRIDE = 100_000;

/** The trial seed of the architecture drawn `index`-th: a search's trial index+1 for repeat 0, others for repeats. */
export function proxyTrialSeed(settings: ProxySettings, index: number, repeat: number): number {
  return trialSeed(settings.seed, index + 1 + repeat * REPEAT_STRIDE);
}

/** Trains `arch` stand-alone on the proxy's split (runTrainJob in this process); throws when training fails. */
export async function trainStandalone(
  candidate: { hash: string; arch: Arch; index: number },
  dataset: Awaited<ReturnType<typeof loadDataset>>,
  settings: ProxySettings,
  repeat: number,
): Promise<StandaloneRow> {
  const seed = proxyTrialSeed(settings, candidate.index, repeat);
  const job: TrainJob = {
    arch: candidate.arch,
    data: {
      dataset: 'fashion-mnist', valFraction: settings.valFraction, trainLimit: settings.trainLimit, valLimit: settings.valLimit,
      splitSeed: settings.seed, useTestSet: false,
    },
    hyper: searchHyperParams({ batchSize: settings.batchSize, learningRate: settings.learningRate, optimizer: 'adam', schedule: settings.schedule }, { budget: { epochs: settings.epochs }, seed }),
  };
  const result = await runTrainJob(job, { dataset, backend: 'wasm' });
  const last = result.history[result.history.length - 1];
  return {
    hash: candidate.hash, valAcc: result.valAcc, lastValAcc: last?.valAcc ?? NaN, valLoss: result.valLoss, epochs: result.epochs,
    status: result.status, params: result.params, seconds: result.seconds, trialSeed: seed,
  };
}
