import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

/** The package's root folder (where package.json and experiments/ live), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** A file shipped with the package, e.g. shippedFile('experiments', 'spaces', 'seed-cnn.json'). */
export function shippedFile(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
