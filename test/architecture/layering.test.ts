import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { shippedFile } from '../../src/util/paths.js';

/** The TypeScript sources (not dist/): the rules are about what the code imports, types included. */
const SRC = shippedFile('src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or dynamically, resolved when relative. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), s)) : s));
}

function offenders(folder: string, forbidden: (specifier: string) => boolean): string[] {
  return sourceFiles(path.join(SRC, folder)).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((specifier) => `${path.relative(SRC, file)} imports ${specifier}`),
  );
}

test('the layering rules read real imports (a rule that cannot fail is no rule)', () => {
  assert.ok(offenders('app', (s) => s.startsWith('trainer/')).length > 0, 'src/app wires the trainer in, so the scan must see it');
  assert.ok(offenders('trainer', (s) => s.startsWith('@tensorflow/')).length > 0);
});

test('src/search and src/store never import src/trainer, types included', () => {
  assert.deepEqual(offenders('search', (s) => s.startsWith('trainer/') || s === 'trainer'), []);
  assert.deepEqual(offenders('store', (s) => s.startsWith('trainer/') || s === 'trainer'), []);
});

test('src/search imports nothing above it: not the app, the CLI, the evaluators, nor tfjs', () => {
  const above = (s: string): boolean =>
    s.startsWith('app/') || s.startsWith('cli/') || s.startsWith('@tensorflow/') || (s.startsWith('evaluation/') && s !== 'evaluation/types.js');
  assert.deepEqual(offenders('search', above), []);
});

test('src/store speaks SQL for everyone and imports no module above it', () => {
  const above = ['search/', 'app/', 'cli/', 'evaluation/', 'trainer/'];
  assert.deepEqual(offenders('store', (s) => above.some((prefix) => s.startsWith(prefix))), []);
});

test('src/space imports neither tfjs nor src/data', () => {
  assert.deepEqual(offenders('space', (s) => s.startsWith('@tensorflow/') || s.startsWith('data/')), []);
});

test('no file in src/ is over 300 lines, and the search loop is under 200', () => {
  const long = sourceFiles(SRC)
    .map((file) => ({ file: path.relative(SRC, file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 300);
  assert.deepEqual(long, []);
  const loop = fs.readFileSync(path.join(SRC, 'search', 'loop.ts'), 'utf8').split('\n').length;
  assert.ok(loop < 200, `src/search/loop.ts has ${loop} lines`);
});
