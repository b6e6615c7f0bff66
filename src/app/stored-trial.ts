/** A stored trial read for retraining or display, with a damaged record as a one-line error instead of a crash. */
import { escapeControls } from '../checks.js';
import { infoOf, type DatasetRef } from '../data/index.js';
import { ArchError, NasError } from '../errors.js';
import { validateArch } from '../space/index.js';
import type { TrialRecord } from '../store/index.js';

/** Checks a layer trial's stored ARCH against its experiment's dataset before it is retrained. */
export function checkStoredArch(trial: TrialRecord, config: { dataset?: unknown; labelMode?: unknown }): void {
  if (typeof trial.arch === 'string') return;
  const info = infoOf(config as unknown as DatasetRef);
  try {
    validateArch(trial.arch, { input: info.inputShape, classes: info.numClasses });
  } catch (error) {
    if (!(error instanceof NasError)) throw error;
    throw new ArchError(`trial ${trial.id}'s stored ARCH is damaged: ${escapeControls(error.message)}`);
  }
}
