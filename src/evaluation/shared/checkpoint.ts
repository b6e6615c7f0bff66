/**
 * The shared weights and their optimiser state as bytes: "NASSW1\n", a 4-byte little-endian header length, a JSON
 * header naming each array (name, shape, offset in floats), then the float32 arrays.
 */
const MAGIC = 'NASSW1\n';

export interface Checkpoint {
  steps: number;
  variables: Map<string, { shape: number[]; values: Float32Array }>;
  moments: Map<string, { m: Float32Array; v: Float32Array; t: Float32Array }>;
}

interface Header {
  steps: number;
  variables: { name: string; shape: number[]; offset: number }[];
  moments: { name: string; offset: number; size: number }[];
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const push = (values: Float32Array): number => {
    arrays.push(values);
    offset += values.length;
    return offset - values.length;
  };
  const header: Header = { steps: checkpoint.steps, variables: [], moments: [] };
  for (const [name, { shape, values }] of checkpoint.variables) header.variables.push({ name, shape, offset: push(values) });
  for (const [name, { m, v, t }] of checkpoint.moments) {
    header.moments.push({ name, offset: push(m), size: m.length });
    push(v);
    push(t);
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const start = align4(MAGIC.length + 4 + headerBytes.length);
  const bytes = new Uint8Array(start + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, MAGIC.length + 4);
  const floats = new Float32Array(bytes.buffer, start, offset);
  let at = 0;
  for (const values of arrays) {
    floats.set(values, at);
    at += values.length;
  }
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new Error('not a shared-weight checkpoint');
  const copy = Uint8Array.from(bytes); // aligned, and independent of the caller's buffer
  const headerLength = new DataView(copy.buffer).getUint32(MAGIC.length, true);
  const header = JSON.parse(new TextDecoder().decode(copy.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as Header;
  const start = align4(MAGIC.length + 4 + headerLength);
  const floats = new Float32Array(copy.buffer, start, (copy.length - start) / 4);
  const variables = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const { name, shape, offset } of header.variables) {
    variables.set(name, { shape, values: floats.slice(offset, offset + shape.reduce((a, b) => a * b, 1)) });
  }
  const moments = new Map<string, { m: Float32Array; v: Float32Array; t: Float32Array }>();
  for (const { name, offset, size } of header.moments) {
    moments.set(name, { m: floats.slice(offset, offset + size), v: floats.slice(offset + size, offset + 2 * size), t: floats.slice(offset + 2 * size, offset + 3 * size) });
  }
  return { steps: header.steps, variables, moments };
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
