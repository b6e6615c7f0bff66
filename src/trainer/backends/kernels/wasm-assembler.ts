/**
 * A small WebAssembly assembler for loops over the wasm backend's heap: functions written as flat WAT text
 * (one instruction after another, no folded expressions) become a module that imports the backend's own
 * memory, so they read and write tensors in place. Only what the heap kernels use is known: i32 arithmetic,
 * locals, block / loop / br / br_if, calls of the module's own functions (`call NAME`), i32 and 128-bit SIMD
 * loads and stores (`offset=N` after one adds a constant byte offset), float and integer lanes, comparisons and bit selects. Every parameter is an i32 (a byte address
 * or a count) and no function returns a value.
 */

/** `params` and `locals` name i32 / v128 locals; `body` is the flat instruction text (`;;` comments allowed). */
export interface WasmFunction {
  name: string;
  params: string[];
  locals: Record<string, 'i32' | 'v128'>;
  body: string;
}

type Immediate = 'none' | 'local' | 'label' | 'block' | 'i32' | 'memarg' | 'lanes' | 'function';

/** Opcode bytes (SIMD ones after the 0xfd prefix, as LEB128) and the immediate each takes. */
const OPS: Record<string, [number[], Immediate]> = {
  block: [[0x02], 'block'],
  loop: [[0x03], 'block'],
  end: [[0x0b], 'none'],
  br: [[0x0c], 'label'],
  br_if: [[0x0d], 'label'],
  call: [[0x10], 'function'],
  'local.get': [[0x20], 'local'],
  'local.set': [[0x21], 'local'],
  'local.tee': [[0x22], 'local'],
  'i32.const': [[0x41], 'i32'],
  'i32.lt_u': [[0x49], 'none'],
  'i32.ge_u': [[0x4f], 'none'],
  'i32.add': [[0x6a], 'none'],
  'i32.sub': [[0x6b], 'none'],
  'i32.mul': [[0x6c], 'none'],
  'i32.shl': [[0x74], 'none'],
  'i32.load': [[0x28], 'memarg'],
  'i32.store': [[0x36], 'memarg'],
  'v128.load': [[0xfd, 0x00], 'memarg'],
  'v128.load32_splat': [[0xfd, 0x09], 'memarg'],
  'v128.store': [[0xfd, 0x0b], 'memarg'],
  'v128.const': [[0xfd, 0x0c], 'lanes'],
  'i8x16.shuffle': [[0xfd, 0x0d], 'lanes'],
  'i32x4.splat': [[0xfd, 0x11], 'none'],
  'i32x4.ge_u': [[0xfd, 0x40], 'none'],
  'f32x4.ne': [[0xfd, 0x42], 'none'],
  'f32x4.gt': [[0xfd, 0x44], 'none'],
  'f32x4.ge': [[0xfd, 0x46], 'none'],
  'v128.and': [[0xfd, 0x4e], 'none'],
  'v128.andnot': [[0xfd, 0x4f], 'none'],
  'v128.or': [[0xfd, 0x50], 'none'],
  'v128.xor': [[0xfd, 0x51], 'none'],
  'v128.bitselect': [[0xfd, 0x52], 'none'],
  'i32x4.shr_u': [[0xfd, 0xad, 0x01], 'none'],
  'i32x4.add': [[0xfd, 0xae, 0x01], 'none'],
  'i32x4.mul': [[0xfd, 0xb5, 0x01], 'none'],
  'f64x2.promote_low_f32x4': [[0xfd, 0x5f], 'none'],
  'f32x4.sqrt': [[0xfd, 0xe3, 0x01], 'none'],
  'f32x4.add': [[0xfd, 0xe4, 0x01], 'none'],
  'f32x4.sub': [[0xfd, 0xe5, 0x01], 'none'],
  'f32x4.mul': [[0xfd, 0xe6, 0x01], 'none'],
  'f32x4.div': [[0xfd, 0xe7, 0x01], 'none'],
  'f32x4.max': [[0xfd, 0xe9, 0x01], 'none'],
  'f64x2.add': [[0xfd, 0xf0, 0x01], 'none'],
};

const VALUE_TYPES = { i32: 0x7f, v128: 0x7b } as const;

function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

function section(id: number, entries: number[][]): number[] {
  const content = [...unsigned(entries.length), ...entries.flat()];
  return [id, ...unsigned(content.length), ...content];
}

/** The code of one function: its local declarations and its instructions. */
function assembleBody(f: WasmFunction, functionIndex: Map<string, number>): number[] {
  const locals = new Map<string, number>();
  [...f.params, ...Object.keys(f.locals)].forEach((local, i) => locals.set(local, i));
  const tokens = f.body.replace(/;;[^\n]*/g, ' ').split(/\s+/).filter((t) => t !== '');
  const labels: string[] = [];
  const code: number[] = [];
  const take = (what: string): string => {
    const token = tokens.shift();
    if (token === undefined) throw new Error(`${f.name}: ${what} expected at the end`);
    return token;
  };
  while (tokens.length > 0) {
    const op = take('instruction');
    const spec = OPS[op];
    if (spec === undefined) throw new Error(`${f.name}: unknown instruction ${op}`);
    code.push(...spec[0]);
    switch (spec[1]) {
      case 'block':
        labels.push(take('label'));
        code.push(0x40);
        break;
      case 'label': {
        const label = take('label');
        const depth = labels.lastIndexOf(label);
        if (depth < 0) throw new Error(`${f.name}: no enclosing ${label}`);
        code.push(...unsigned(labels.length - 1 - depth));
        break;
      }
      case 'local': {
        const index = locals.get(take('local'));
        if (index === undefined) throw new Error(`${f.name}: unknown local in ${op}`);
        code.push(...unsigned(index));
        break;
      }
      case 'i32':
        code.push(...signed(Number(take('constant'))));
        break;
      case 'function': {
        const index = functionIndex.get(take('function'));
        if (index === undefined) throw new Error(`${f.name}: call of an unknown function`);
        code.push(...unsigned(index));
        break;
      }
      case 'memarg': {
        // Alignment hint 2^2 (float32 tensors); a constant byte offset may follow as `offset=N`.
        const offset = tokens[0]?.startsWith('offset=') ? Number(take('offset').slice('offset='.length)) : 0;
        if (!Number.isInteger(offset) || offset < 0) throw new Error(`${f.name}: bad offset in ${op}`);
        code.push(2, ...unsigned(offset));
        break;
      }
      case 'lanes':
        for (let i = 0; i < 16; i++) code.push(Number(take('lane')));
        break;
      case 'none':
        if (op === 'end' && labels.pop() === undefined) throw new Error(`${f.name}: end without block`);
        break;
    }
  }
  if (labels.length > 0) throw new Error(`${f.name}: ${labels.length} unclosed block(s)`);
  const declared = Object.values(f.locals).map((type) => [1, VALUE_TYPES[type]]);
  const body = [...unsigned(declared.length), ...declared.flat(), ...code, 0x0b];
  return [...unsigned(body.length), ...body];
}

/** The binary module of `functions`, importing `env.memory` (shared or not, as the backend's memory is). */
export function assembleModule(functions: WasmFunction[], sharedMemory: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...unsigned(f.params.length), ...f.params.map(() => VALUE_TYPES.i32), 0]);
  // Limits: shared memories must declare a maximum (65536 pages: 4 GiB, the most wasm32 has).
  const limits = sharedMemory ? [0x03, 0, ...unsigned(65536)] : [0x00, 0];
  const imports = [[...name('env'), ...name('memory'), 0x02, ...limits]];
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...unsigned(i)]);
  const functionIndex = new Map(functions.map((f, i) => [f.name, i]));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, functions.map((_, i) => unsigned(i))),
    ...section(7, exports),
    ...section(10, functions.map((f) => assembleBody(f, functionIndex))),
  ]);
}
