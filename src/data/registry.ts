/** The datasets nas knows, by name, and their descriptions. */
import { ConfigError, DataError } from '../errors.js';
import type { DatasetInfo, DatasetName } from './types.js';
import type { DatasetSpec } from './datasets/spec.js';
import { cifar10 } from './datasets/cifar10.js';
import { cifar100 } from './datasets/cifar100.js';
import { fashionMnist, mnist } from './datasets/idxDatasets.js';
import { fer2013 } from './datasets/fer2013.js';
import { synthetic } from './datasets/synthetic.js';

const SPECS: DatasetSpec[] = [cifar100, cifar10, mnist, fashionMnist, fer2013, synthetic];

export const DATASET_NAMES: DatasetName[] = SPECS.map((spec) => spec.name);

export function datasetSpec(name: string): DatasetSpec {
  const spec = SPECS.find((candidate) => candidate.name === name);
  if (!spec) throw new DataError(`unknown dataset '${name}' (known: ${DATASET_NAMES.join(', ')})`);
  return spec;
}

/** The label mode to use: the dataset's default when none is given; an error for one it does not have. */
export function resolveLabelMode(spec: DatasetSpec, labelMode?: string): string {
  if (labelMode === undefined) return spec.defaultLabelMode;
  if (!(labelMode in spec.labelModes)) {
    const modes = Object.keys(spec.labelModes);
    throw new ConfigError(
      modes.length > 1
        ? `dataset ${spec.name} has no label mode '${labelMode}' (choose ${modes.join(' or ')})`
        : `dataset ${spec.name} has no label modes (got '${labelMode}')`,
    );
  }
  return labelMode;
}

export function datasetInfo(name: DatasetName, opts: { labelMode?: string } = {}): DatasetInfo {
  const spec = datasetSpec(name);
  const labelMode = resolveLabelMode(spec, opts.labelMode);
  const classNames = spec.labelModes[labelMode];
  const info: DatasetInfo = { name: spec.name, inputShape: [...spec.shape], numClasses: classNames.length, classNames: [...classNames], labelMode };
  if (spec.augmentation) info.augmentation = { ...spec.augmentation };
  return info;
}

/** The size of the dataset's published training set (before any split). */
export function trainingSetSize(name: DatasetName): number {
  return datasetSpec(name).publishedCounts.train;
}
