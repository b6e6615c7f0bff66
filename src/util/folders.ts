/** Output folders checked before long work starts, so that a finished training is never lost for want of a place to save it. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * The folder `dir` (given as `option`), if it exists or can be created, and this process may write in it;
 * else a ConfigError saying why. Nothing is created here: a training that fails leaves no empty folder.
 */
export function writableFolder(option: string, dir: string): string {
  const resolved = path.resolve(dir);
  const existing = nearestExisting(resolved);
  if (!fs.statSync(existing).isDirectory()) {
    const what = existing === resolved ? 'is a file, not a folder' : `cannot be created: ${existing} is a file`;
    throw new ConfigError(`${option} ${dir} ${what}`);
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    const what = existing === resolved ? 'is not writable' : `cannot be created: ${existing} is not writable`;
    throw new ConfigError(`${option} ${dir} ${what}`);
  }
  return dir;
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}
