import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../types.js';

export interface SelectedBackend {
  name: string;
  notes: string[];
}

interface BackendsModule {
  selectBackend(name: BackendName, opts?: { threads?: number }): Promise<{ name: string; notes: string[] }>;
}

/** Chooses and initialises the tfjs backend of this process through src/trainer/backends. */
export async function initialiseBackend(requested: BackendName, threads?: number): Promise<SelectedBackend> {
  const backends = await importBackends();
  if (backends === undefined) {
    if (requested !== 'cpu') throw new Error(`backend '${requested}' needs src/trainer/backends, which this build lacks`);
    await tf.setBackend('cpu');
    return { name: 'cpu', notes: ['src/trainer/backends is missing from this build: cpu set directly'] };
  }
  const selected = await backends.selectBackend(requested, { threads });
  return { name: selected.name, notes: selected.notes };
}

async function importBackends(): Promise<BackendsModule | undefined> {
  // A variable specifier: src/trainer/backends is written alongside this module.
  const specifier = '../backends/index.js';
  try {
    return (await import(specifier)) as BackendsModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes('backends/index.js')) return undefined;
    throw error;
  }
}
