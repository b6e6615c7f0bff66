/** Search-space files: finding (shipped name or path), reading, checking, and binding to a problem. */
import fs from 'node:fs';
import path from 'node:path';
import { escapeControls, printableNameProblem } from '../checks.js';
import { SpaceError } from '../errors.js';
import { shippedFile } from '../util/paths.js';
import { Nb201Process } from './nb201.js';
import { checkLayerSpace, compileLayerSpace } from './layers/compile.js';
import { LayerProcess } from './layers/process.js';
import type { CellSpaceDefinition, DecisionProcess, ProblemSpec, SpaceDefinition } from './types.js';
import { NB201_OPS } from './types.js';
import { OVER_LIMIT, readAtMost } from './read-file.js';

const SPACES_DIR = ['experiments', 'spaces'];

/** Names of the spaces shipped in experiments/spaces/. */
export function listShippedSpaces(): string[] {
  return fs
    .readdirSync(shippedFile(...SPACES_DIR))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** A bare name ('seed-cnn') is a shipped space; anything else is a path to a space file. */
export function loadSpace(nameOrPath: string): SpaceDefinition {
  const file = resolveSpace(nameOrPath);
  let text: string | undefined;
  try {
    text = readAtMost(file);
  } catch (error) {
    throw new SpaceError(`cannot read space file ${escapeControls(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (text === undefined) throw new SpaceError(`${escapeControls(file)}: the space file is ${OVER_LIMIT}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SpaceError(`${escapeControls(file)}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  return checkSpace(raw, escapeControls(file));
}

/** Checks a space definition given as a value (as read from a file named `where`). */
export function checkSpace(raw: unknown, where = 'space'): SpaceDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SpaceError(`${where}: a space file must hold a JSON object`);
  const record = raw as Record<string, unknown>;
  const name = record.name ?? path.basename(where, '.json');
  if (typeof name !== 'string' || name === '') throw new SpaceError(`${where}: name: must be a non-empty string`);
  const badName = printableNameProblem(name);
  if (badName) throw new SpaceError(`${where}: name: ${badName} (it names the experiments searched in it)`);
  if (record.description !== undefined && typeof record.description !== 'string') {
    throw new SpaceError(`${where}: description: must be a string`);
  }
  const withName = { ...record, name };
  if (record.kind === 'layers') return checkLayerSpace(withName, where);
  if (record.kind === 'nb201') return checkCellSpace(withName, where);
  throw new SpaceError(`${where}: kind: must be "layers" or "nb201", not ${JSON.stringify(record.kind)}`);
}

/** The MAC cap a search in this space uses when none is given (layer spaces may declare one). */
export function defaultMaxMacs(space: SpaceDefinition): number | undefined {
  return space.kind === 'layers' ? space.defaultMaxMacs : undefined;
}

export function bindSpace(space: SpaceDefinition, problem: ProblemSpec): DecisionProcess {
  if (problem.maxParams !== undefined && !(problem.maxParams > 0)) {
    throw new SpaceError(`the parameter cap must be positive, not ${problem.maxParams}`);
  }
  if (problem.maxMacs !== undefined && !(problem.maxMacs > 0)) {
    throw new SpaceError(`the MAC cap must be positive, not ${problem.maxMacs}`);
  }
  return space.kind === 'nb201' ? new Nb201Process(space) : new LayerProcess(compileLayerSpace(space), problem);
}

function resolveSpace(nameOrPath: string): string {
  const bare = /^[\w.-]+$/.test(nameOrPath) && !nameOrPath.endsWith('.json');
  const file = bare ? shippedFile(...SPACES_DIR, `${nameOrPath}.json`) : nameOrPath;
  if (!fs.existsSync(file)) {
    const shipped = listShippedSpaces().join(', ');
    throw new SpaceError(bare ? `unknown space '${nameOrPath}' (shipped: ${shipped}; or give a path to a .json file)` : `space file not found: ${escapeControls(file)}`);
  }
  return file;
}

function checkCellSpace(raw: Record<string, unknown>, where: string): CellSpaceDefinition {
  for (const key of Object.keys(raw)) {
    if (!['kind', 'name', 'description', 'ops'].includes(key)) throw new SpaceError(`${where}: ${key}: unknown field (known: kind, name, description, ops)`);
  }
  const ops = raw.ops;
  if (ops !== undefined) {
    if (!Array.isArray(ops) || ops.length === 0) throw new SpaceError(`${where}: ops: must be a non-empty list of NB201 ops`);
    ops.forEach((op, i) => {
      if (!NB201_OPS.includes(op)) throw new SpaceError(`${where}: ops: choice ${i} (${JSON.stringify(op)}) must be one of ${NB201_OPS.join(', ')}`);
      if (ops.indexOf(op) !== i) throw new SpaceError(`${where}: ops: lists ${op} twice`);
    });
  }
  return raw as unknown as CellSpaceDefinition;
}
