/** `loadArch()`: an ARCH from a file, from its text, or from a parsed list of layers, checked. */
import { loadArchFile, parseArch } from '../space/index.js';
import type { Arch } from '../space/types.js';

/**
 * A file path, ARCH text (JSON, or the Python-literal `ARCH = [...]` notation that nas reads in files), or a
 * list of layer objects. An ARCH that does not parse or validate is an ArchError naming the layer.
 */
export function loadArch(source: string | readonly unknown[]): Arch {
  if (typeof source !== 'string') return parseArch(source);
  return /^\s*(\[|ARCH\s*=)/.test(source) ? parseArch(source) : loadArchFile(source);
}
