import Module, { register } from 'node:module';
import { refuseTensorFlow } from './block-tfjs-hooks.js';

/**
 * Load with `node --import <this file>`: from then on, loading TensorFlow.js throws, whether by import (the
 * resolve hook) or by require (which Node 20 does not pass through that hook, hence the patched resolver).
 */
register(new URL('./block-tfjs-hooks.js', import.meta.url));

type ResolveFilename = (this: unknown, request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const commonJs = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = commonJs._resolveFilename;
commonJs._resolveFilename = function (request, parent, ...rest) {
  refuseTensorFlow(request, parent?.filename);
  const resolved = resolveFilename.call(this, request, parent, ...rest);
  refuseTensorFlow(resolved, parent?.filename);
  return resolved;
};
