/**
 * A strategy's saved state: one JSON document, UTF-8 encoded. Float32 arrays (weights, optimiser
 * moments) travel as base64 of their bytes so they restore bit for bit.
 */
import { ConfigError, StoreError } from '../errors.js';

const FORMAT = 'nas-strategy-state/1';

export function encodeState(strategy: string, body: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format: FORMAT, strategy, body }));
}

export function decodeState(strategy: string, blob: Uint8Array): Record<string, unknown> {
  let doc: { format?: string; strategy?: string; body?: Record<string, unknown> };
  try {
    doc = JSON.parse(new TextDecoder().decode(blob));
  } catch {
    throw new StoreError('saved strategy state is not valid JSON');
  }
  if (doc.format !== FORMAT || !doc.body) throw new StoreError(`saved strategy state is not in format ${FORMAT}`);
  if (doc.strategy !== strategy) {
    throw new ConfigError(`saved state belongs to strategy '${doc.strategy}', not '${strategy}'`);
  }
  return doc.body;
}

export function floatsToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function base64ToFloats(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
