/** The download folder: made when a fetch starts, and removed again when the fetch fails and leaves it empty. */
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';

/**
 * Creates `dir` and whatever parents it lacks; returns the topmost folder created (undefined when it existed),
 * or a one-line DataError when it cannot be made (a file in the way, no permission).
 */
export function createFolder(dir: string): string | undefined {
  try {
    return fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const existing = nearestExisting(dir);
    const why = fs.statSync(existing).isDirectory() ? ((error as NodeJS.ErrnoException).code ?? String(error)) : `${existing} is a file, not a folder`;
    throw new DataError(`cannot create the data folder ${dir}: ${why} (see --data-dir)`);
  }
}

/** Removes `dir` and its parents up to `top` (what createFolder made) as long as they are empty. */
export function removeEmptyFolders(dir: string, top: string | undefined): void {
  if (top === undefined) return;
  const last = path.resolve(top);
  for (let current = path.resolve(dir); current.startsWith(last); current = path.dirname(current)) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    if (current === last) return;
  }
}

function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}
