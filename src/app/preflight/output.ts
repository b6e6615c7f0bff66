import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';

/** Creating a file in a folder needs both. */
const FOLDER_ACCESS = fs.constants.W_OK | fs.constants.X_OK;

/**
 * The database file given by --db can be written, or created with its folders, without creating anything now:
 * an existing file must be a writable file in a writable folder (SQLite writes its -wal and -shm beside it); a
 * new one needs its nearest existing ancestor to be a writable folder.
 */
export function checkDatabaseTarget(file: string): void {
  const target = path.resolve(file);
  const existing = statOrUndefined(target);
  if (existing) {
    if (!existing.isFile()) throw new ConfigError(`--db ${file} is not a file`);
    requireWritable(target, fs.constants.W_OK, `--db ${file} is not writable`);
    requireWritable(path.dirname(target), FOLDER_ACCESS, `--db ${file}: its folder ${path.dirname(target)} is not writable (SQLite writes its journal beside the database)`);
    return;
  }
  let folder = path.dirname(target);
  while (statOrUndefined(folder) === undefined && path.dirname(folder) !== folder) folder = path.dirname(folder);
  if (!statOrUndefined(folder)?.isDirectory()) {
    throw new ConfigError(`--db ${file}: ${folder} is a file, not a folder; choose another path with --db`);
  }
  requireWritable(folder, FOLDER_ACCESS, `--db ${file}: the folder ${folder} is not writable; choose another path with --db`);
}

function statOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch {
    return undefined;
  }
}

function requireWritable(target: string, mode: number, message: string): void {
  try {
    fs.accessSync(target, mode);
  } catch {
    throw new ConfigError(message);
  }
}
