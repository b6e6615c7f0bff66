/** A described dataset checked against what its path holds now, and the one-line summary of a load. */
import { DataError } from '../../errors.js';
import type { LoadedDataset } from '../types.js';
import { describeCustomDataset, loadCustomDataset, type CustomContext, type CustomLoad } from './load.js';
import type { CustomLoadStats, DatasetDescriptor } from './types.js';

/**
 * How the data found differs from the data described, in words, or undefined when it is the same: the same
 * content (fingerprint of the files' bytes), classes and decoded shape. The path may differ (a moved folder).
 */
export function dataChange(expected: DatasetDescriptor, found: DatasetDescriptor): string | undefined {
  const was = (count: DatasetDescriptor['counts']): string => `${count.train + count.test}`;
  if (expected.kind !== found.kind) return `it was a ${expected.kind} and is now a ${found.kind}`;
  if (expected.fingerprint !== found.fingerprint) {
    const counts = was(expected.counts) === was(found.counts) ? `${was(found.counts)} examples then and now` : `${was(expected.counts)} examples then, ${was(found.counts)} now`;
    return `its files changed (content fingerprint ${short(expected.fingerprint)} then, ${short(found.fingerprint)} now; ${counts})`;
  }
  if (expected.classNames.join('\n') !== found.classNames.join('\n')) return `its classes changed (${expected.classNames.join(', ')} then, ${found.classNames.join(', ')} now)`;
  if (expected.shape.join('x') !== found.shape.join('x')) return `it decodes to ${found.shape.join('x')} now, ${expected.shape.join('x')} then`;
  if (expected.counts.train !== found.counts.train || expected.counts.test !== found.counts.test) return 'its split into training and test examples changed';
  return undefined;
}

/**
 * The described dataset, read from `at` (default: where it was) with the options it was read with; a DataError
 * when it is not there or holds other data. `what` names whose data it is, for the message.
 */
export async function checkDescribed(descriptor: DatasetDescriptor, context: CustomContext & { at?: string; what: string; arrays?: boolean }): Promise<CustomLoad> {
  const at = context.at ?? descriptor.path;
  let found: CustomLoad;
  try {
    found = await (context.arrays ? loadCustomDataset : describeCustomDataset)(at, descriptor.options, context);
  } catch (error) {
    if (!(error instanceof DataError) || context.at !== undefined || !/no such file or folder/.test(error.message)) throw error;
    throw new DataError(
      `${context.what} was read from ${descriptor.path}, which is not there any more: if it moved, give --dataset NEWPATH ` +
        `(it must hold the same files, content fingerprint ${short(descriptor.fingerprint)})`,
    );
  }
  const change = dataChange(descriptor, found.descriptor);
  if (change) {
    throw new DataError(`${at} is not the data ${context.what} was read from: ${change}; restore the files, or search the data as it is now`);
  }
  return found;
}

/** The arrays of a described dataset, checked (trainer workers load the data this way). */
export async function loadDescribed(descriptor: DatasetDescriptor, context: CustomContext): Promise<LoadedDataset> {
  const found = await checkDescribed(descriptor, { ...context, what: 'the experiment', arrays: true });
  return found.dataset!;
}

/** One line: what was read, how, and what was left out. */
export function summaryLine(descriptor: DatasetDescriptor, stats: CustomLoadStats, cacheError?: string): string {
  const { counts, classNames, shape } = descriptor;
  const test = descriptor.testSplit === 'given' ? 'given' : 'held out';
  const parts = [
    `${descriptor.path}: ${number(counts.train + counts.test)} ${descriptor.kind === 'folder' ? 'images' : 'examples'} in ${classNames.length} classes ` +
      `(${number(counts.train)} train, ${number(counts.test)} test ${test}), ${shape.join('x')}`,
  ];
  if (stats.ignored > 0) parts.push(`${number(stats.ignored)} non-image file${stats.ignored === 1 ? '' : 's'} ignored`);
  if (stats.skipped > 0) parts.push(`${number(stats.skipped)} image${stats.skipped === 1 ? '' : 's'} that cannot be decoded skipped (${stats.skippedExamples.join('; ')})`);
  const seconds = `${stats.seconds.toFixed(1)} s`;
  const read = descriptor.kind === 'folder' ? 'decoded' : 'read';
  parts.push(stats.decoded ? `${read} in ${seconds}${cacheError ? ` (not cached: ${cacheError})` : ', cached'}` : `read from the dataset cache in ${seconds}`);
  return parts.join('; ');
}

const number = (value: number): string => value.toLocaleString('en-US');
const short = (fingerprint: string): string => fingerprint.slice(0, 12);
