import type { BackendName } from '../types.js';

export interface SelectedBackend {
  name: string;
  notes: string[];
}

/** Chooses and initialises the tfjs backend of this process through src/trainer/backends. */
export async function initialiseBackend(requested: BackendName, threads?: number): Promise<SelectedBackend> {
  // The specifier is a variable while src/trainer/backends is being written alongside this module.
  const specifier = '../backends/index.js';
  const backends = (await import(specifier)) as {
    selectBackend(name: BackendName, opts?: { threads?: number }): Promise<{ name: string; notes: string[] }>;
  };
  const selected = await backends.selectBackend(requested, { threads });
  return { name: selected.name, notes: selected.notes };
}
