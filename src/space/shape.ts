import { ConfigError } from '../errors.js';
import type { Shape3 } from './types.js';

/** Reads an input shape written HxWxC, e.g. '32x32x3' (also '32,32,3'). */
export function parseShape(text: string): Shape3 {
  const parts = text.trim().split(/[x×,]/i).map((part) => Number(part.trim()));
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new ConfigError(`input shape must read HEIGHTxWIDTHxCHANNELS with positive integers, e.g. 32x32x3, not '${text}'`);
  }
  return parts as Shape3;
}
