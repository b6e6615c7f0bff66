/** Extract one top-level folder of a .tar.gz into a directory, all or nothing. */
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { DataError } from '../../errors.js';
import { removeStale } from './stale.js';

export async function extractFolder(archive: string, destDir: string, folder: string): Promise<string> {
  fs.mkdirSync(destDir, { recursive: true });
  removeStale(destDir, '.extract-');
  const staging = fs.mkdtempSync(path.join(destDir, `.extract-${process.pid}-`));
  const target = path.join(destDir, folder);
  try {
    await tar.x({
      file: archive,
      cwd: staging,
      strict: true,
      filter: (entry) => entry === folder || entry.startsWith(`${folder}/`),
    });
    const extracted = path.join(staging, folder);
    if (!fs.existsSync(extracted)) throw new DataError(`${archive}: has no folder '${folder}/'`);
    // Another process fetching the same dataset may have finished first: keep its complete copy.
    if (!fs.existsSync(target)) fs.renameSync(extracted, target);
    return target;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${archive}: cannot extract: ${(error as Error).message} (truncated or not a .tar.gz?)`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
