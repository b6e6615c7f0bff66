/**
 * The package as a user gets it: `npm pack`, installed into a scratch project, imported by name from TypeScript
 * with type checking, and a 3-trial search on arrays in memory run through it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/util/paths.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ROOT = packageRoot();
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

const MAIN_TS = `
import { search, openResults, loadArch, type ArrayData, type SearchSummary } from 'nas';
const side = 12, count = 200;
const x = new Uint8Array(count * side * side);
const y: number[] = [];
for (let i = 0; i < count; i += 1) {
  y.push(i % 2);
  for (let p = 0; p < side * side; p += 1) x[i * side * side + p] = (i % 2 === 0) === (p % side < side / 2) ? 200 : 30;
}
const dataset: ArrayData = { x, y, shape: [side, side, 1], classNames: ['left', 'right'] };
const run = search({ dataset, space: 'tiny-space.json', trials: 3, controllerBatch: 3, epochs: 1, valFraction: 0.25, backend: 'cpu', db: 'results.db', dataDir: 'data' });
let ends = 0;
for await (const event of run) if (event.type === 'trial-end') ends += 1;
const summary: SearchSummary = await run;
const results = openResults('results.db');
const best = results.best({ top: 1 })[0];
results.close();
const layers: number = loadArch('[{"type": "C", "num_output": 4, "kernel_size": 3}]').length;
console.log(JSON.stringify({ status: summary.status, finished: summary.finished, ends, bestStatus: best?.status, layers }));
`;

const MISUSED_TS = `
import { search } from 'nas';
const summary = await search({ dataset: 'synthetic', trails: 3 });
const wrong: string = summary.finished;
`;

const TINY_SPACE = {
  kind: 'layers',
  name: 'tiny',
  description: 'one or two narrow convolutions',
  minLayers: 1,
  maxLayers: 2,
  maxFC: 0,
  follows: { start: ['C'], C: ['C', 'stop'] },
  layers: { C: { num_output: [2, 4], kernel_size: [3] } },
};

test('npm pack, installed into a scratch project, imported by name with type checking, runs a 3-trial search on arrays in memory', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed!.files.map((file) => file.path);
  for (const wanted of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'experiments/spaces/fashion.json']) assert.ok(files.includes(wanted), `${wanted} is packed`);
  assert.deepEqual(files.filter((file) => /^(dist\/(test|bench)\/|src\/|test\/)|\.map$/.test(file)), [], 'no tests, sources or source maps');

  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  const write = (name: string, content: unknown): void => fs.writeFileSync(path.join(project, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  write('package.json', {
    name: 'scratch',
    private: true,
    type: 'module',
    dependencies: { nas: `file:../${packed!.filename}` },
    devDependencies: { typescript: OWN.devDependencies.typescript, '@types/node': OWN.devDependencies['@types/node'] },
  });
  // From npm's cache where it can (npm ci filled it); install scripts are off, as npm 11 leaves unapproved ones.
  await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, timeout: 240_000 });
  // better-sqlite3's native addon is built by its install script: the scratch project takes the one built here.
  fs.cpSync(path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build'), path.join(project, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });

  write('tiny-space.json', TINY_SPACE);
  // skipLibCheck as tsc --init sets it: @tensorflow/tfjs's own declarations do not pass a strict check.
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'], outDir: 'out' };
  write('main.ts', MAIN_TS);
  write('misused.ts', MISUSED_TS);
  write('tsconfig.json', { compilerOptions, include: ['main.ts'] });
  write('tsconfig.misused.json', { compilerOptions: { ...compilerOptions, noEmit: true }, include: ['misused.ts'] });
  const tsc = path.join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
  const misused = await run(process.execPath, [tsc, '-p', 'tsconfig.misused.json'], { cwd: project }).then(
    () => assert.fail('a misused API must not type-check'),
    (error: { stdout: string }) => error.stdout,
  );
  assert.match(misused, /'trails' does not exist in type 'SearchInput'/);
  assert.match(misused, /Type 'number' is not assignable to type 'string'/);

  const result = await run(process.execPath, ['out/main.js'], { cwd: project, timeout: 180_000 });
  assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop()!), { status: 'completed', finished: 3, ends: 3, bestStatus: 'completed', layers: 2 });
  const deep = await run(process.execPath, ['--input-type=module', '-e', "await import('nas/dist/src/store/index.js')"], { cwd: project }).then(
    () => '',
    (error: { stderr: string }) => error.stderr,
  );
  assert.match(deep, /ERR_PACKAGE_PATH_NOT_EXPORTED/, 'only the export file is public');
  fs.rmSync(dir, { recursive: true, force: true });
});
