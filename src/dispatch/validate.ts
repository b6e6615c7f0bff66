/**
 * A worker checks every job before it builds anything: jobs are data, never code. The ARCH goes through the
 * same parser and validator as `nas arch check` (shapes, tensor sizes), the settings through the option checks
 * with the option bounds; anything else in the job is ignored. A job that fails is refused, never trained.
 */
import { choiceOf, inOpenUnit, nonNegativeIntegerUpTo, positiveIntegerUpTo, positiveNumber, printableName } from '../checks.js';
import { OPTION_BOUNDS as MAX } from '../app/options/bounds.js';
import { DATASET_NAMES, datasetInfo } from '../data/registry.js';
import type { DatasetName } from '../data/types.js';
import { NasError } from '../errors.js';
import type { EvaluationBudget } from '../evaluation/types.js';
import { validateArch } from '../space/cost.js';
import { parseArch } from '../space/parse.js';
import type { Arch, Shape3 } from '../space/types.js';
import { EXPERIMENT_KEY, jobIdOf } from './keys.js';
import { PROTOCOL_VERSION, type JobTraining } from './protocol.js';

/** A checked job: what the worker may act on. */
export interface ValidJob {
  /** The job's identity in messages and keys (jobIdOf), whatever BullMQ id delivered it. */
  id: string;
  experiment: { key: string; name: string };
  trial: { id: number; seq: number; attempt: number };
  arch: Arch;
  problem: { input: Shape3; classes: number };
  budget: EvaluationBudget;
  seed: number;
  training: JobTraining & { dataset: DatasetName };
}

/** Why a job was refused; the worker fails it at once, without retries. */
export class InvalidJobError extends NasError {}

const MAX_TRIAL_ID = Number.MAX_SAFE_INTEGER;

export function validateJob(data: unknown): ValidJob {
  try {
    return checkJob(data);
  } catch (error) {
    if (error instanceof NasError) throw new InvalidJobError(`invalid job: ${error.message}`);
    throw error;
  }
}

function checkJob(data: unknown): ValidJob {
  const job = record('job', data);
  if (job.v !== PROTOCOL_VERSION) throw new InvalidJobError(`protocol version ${String(job.v)}, this worker speaks ${PROTOCOL_VERSION} (upgrade nas on both sides)`);
  const experiment = record('experiment', job.experiment);
  const key = experiment.key;
  if (typeof key !== 'string' || !EXPERIMENT_KEY.test(key)) throw new InvalidJobError('experiment.key is not an experiment key');
  const name = printableName('experiment.name', experiment.name);
  const trialFields = record('trial', job.trial);
  const trial = {
    id: positiveIntegerUpTo(MAX_TRIAL_ID)('trial.id', trialFields.id),
    seq: positiveIntegerUpTo(MAX_TRIAL_ID)('trial.seq', trialFields.seq),
    attempt: positiveIntegerUpTo(MAX_TRIAL_ID)('trial.attempt', trialFields.attempt),
  };
  const training = checkTraining(record('training', job.training));
  const info = datasetInfo(training.dataset, { labelMode: training.labelMode });
  const problem = { input: info.inputShape, classes: info.numClasses };
  const arch = parseJobArch(job.arch, problem);
  return {
    id: jobIdOf(key, trial.id, trial.attempt),
    experiment: { key, name },
    trial,
    arch,
    problem,
    budget: checkBudget(record('budget', job.budget)),
    seed: nonNegativeIntegerUpTo(MAX.seed)('seed', job.seed),
    training,
  };
}

/** The ARCH through src/space: parsed and normalised, its shapes and tensor sizes checked for the dataset's images. */
function parseJobArch(value: unknown, problem: { input: Shape3; classes: number }): Arch {
  // A list of layer objects, never text: the ARCH notations' parsers are for files a user wrote.
  if (!Array.isArray(value)) throw new InvalidJobError('arch must be a list of layers');
  const arch = parseArch(value);
  validateArch(arch, problem);
  return arch;
}

function checkTraining(fields: Record<string, unknown>): ValidJob['training'] {
  const training: ValidJob['training'] = {
    dataset: choiceOf(DATASET_NAMES)('training.dataset', fields.dataset),
    valFraction: inOpenUnit('training.valFraction', fields.valFraction),
    splitSeed: nonNegativeIntegerUpTo(MAX.seed)('training.splitSeed', fields.splitSeed),
    batchSize: positiveIntegerUpTo(MAX.batchSize)('training.batchSize', fields.batchSize),
    learningRate: positiveNumber('training.learningRate', fields.learningRate),
    optimizer: choiceOf(['adam', 'sgd'] as const)('training.optimizer', fields.optimizer),
  };
  if (fields.labelMode !== undefined && fields.labelMode !== null) training.labelMode = printableName('training.labelMode', fields.labelMode);
  if (fields.schedule !== undefined && fields.schedule !== null) training.schedule = choiceOf(['constant', 'cosine'] as const)('training.schedule', fields.schedule);
  return training;
}

function checkBudget(fields: Record<string, unknown>): EvaluationBudget {
  const budget: EvaluationBudget = { epochs: positiveIntegerUpTo(MAX.epochs)('budget.epochs', fields.epochs) };
  if (fields.trainLimit !== undefined && fields.trainLimit !== null) budget.trainLimit = positiveIntegerUpTo(MAX.examples)('budget.trainLimit', fields.trainLimit);
  if (fields.valLimit !== undefined && fields.valLimit !== null) budget.valLimit = positiveIntegerUpTo(MAX.examples)('budget.valLimit', fields.valLimit);
  return budget;
}

function record(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidJobError(`${name} must be an object`);
  return value as Record<string, unknown>;
}
