/** Where datasets are looked for and where downloads go. */
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../errors.js';

export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/**
 * The data roots in search order: --data-dir, then $NAS_DATA_DIR, then the per-user cache
 * ($XDG_CACHE_HOME/nas/datasets, default ~/.cache/nas/datasets). Downloads go to the first of them.
 */
export function dataRoots(dataDir?: string): string[] {
  const roots = [dataDir, process.env.NAS_DATA_DIR, userCache()].filter((root): root is string => !!root);
  return [...new Set(roots.map((root) => path.resolve(root)))];
}

export function downloadRoot(dataDir?: string): string {
  return dataRoots(dataDir)[0];
}

function userCache(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nas', 'datasets');
}

/** The download base URL for a dataset: `<mirror>/<dataset>/` when a mirror is set, else the official one. */
export function downloadBase(dataset: string, officialBase: string, mirror?: string): string {
  const base = mirror ?? process.env.NAS_DATA_MIRROR;
  if (!base) return officialBase;
  return `${base.replace(/\/+$/, '')}/${dataset}/`;
}

/**
 * Published MD5 of a downloaded file, unless overridden for tests or a private mirror by
 * $NAS_DATA_CHECKSUMS (a JSON object from file name to MD5) or LoadOptions.checksums.
 */
export function expectedMd5(fileName: string, published: string, overrides?: Record<string, string>): string {
  const fromEnv = process.env.NAS_DATA_CHECKSUMS ? parseChecksums(process.env.NAS_DATA_CHECKSUMS) : {};
  return (overrides ?? {})[fileName] ?? fromEnv[fileName] ?? published;
}

function parseChecksums(json: string): Record<string, string> {
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    throw new ConfigError(`$NAS_DATA_CHECKSUMS is not a JSON object from file name to MD5: ${json}`);
  }
}
