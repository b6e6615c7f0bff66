import type { BackendName } from '../types.js';
import { selectBackend } from '../backends/index.js';

export interface SelectedBackend {
  name: string;
  notes: string[];
}

/** Chooses and initialises the tfjs backend of this process (src/trainer/backends); throws BackendError when it cannot. */
export async function initialiseBackend(requested: BackendName, threads?: number): Promise<SelectedBackend> {
  const selected = await selectBackend(requested, { threads });
  return { name: selected.name, notes: selected.notes };
}
