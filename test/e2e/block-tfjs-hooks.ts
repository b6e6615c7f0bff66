import type { ResolveHook } from 'node:module';

/** A module-resolution hook (see block-tfjs.ts) under which any import of TensorFlow.js fails. */

const BLOCKED = /^@tensorflow\/|\/node_modules\/@tensorflow\//;

/** Throws when `request` (a specifier, or what it resolved to) is TensorFlow.js. */
export function refuseTensorFlow(request: string, parent: string | undefined): void {
  if (BLOCKED.test(request)) throw new Error(`TensorFlow.js blocked by the test: '${request}' from ${parent ?? 'the entry point'}`);
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  refuseTensorFlow(specifier, context.parentURL);
  const resolved = await nextResolve(specifier, context);
  refuseTensorFlow(resolved.url, context.parentURL);
  return resolved;
};
