import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { shippedFile } from '../../src/util/paths.js';

const SRC = shippedFile('src');
const DASHBOARD = path.join(SRC, 'dashboard');
/** The compiled pages, as the browser loads them. */
const CLIENT_JS = fileURLToPath(new URL('../../src/dashboard/client/', import.meta.url));

function files(dir: string, ending: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? files(file, ending) : entry.name.endsWith(ending) ? [file] : [];
  });
}

/** Static and dynamic import specifiers, `import type` included. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('src/dashboard reaches the rest of nas only through public surfaces (index.ts of a module, errors.ts)', () => {
  const offenders = files(DASHBOARD, '.ts').flatMap((file) =>
    specifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)))
      .filter((target) => !target.startsWith('dashboard/') && !/^[a-z]+\/index\.js$/.test(target) && target !== 'errors.js')
      .map((target) => `${path.relative(SRC, file)} imports ${target}`),
  );
  assert.deepEqual(offenders, []);
});

test('only the CLI imports src/dashboard, through its index; the store views import nothing above the store', () => {
  const outside = files(SRC, '.ts').filter((file) => !file.startsWith(DASHBOARD + path.sep));
  const users = outside.flatMap((file) =>
    specifiers(file)
      .filter((s) => s.startsWith('.') && path.resolve(path.dirname(file), s).startsWith(DASHBOARD + path.sep))
      .map((s) => `${path.relative(SRC, file)} -> ${path.relative(SRC, path.resolve(path.dirname(file), s))}`),
  );
  assert.ok(users.every((line) => /^cli\/commands\/(dashboard|report)\.ts -> dashboard\/index\.js$/.test(line)), users.join('\n'));
  const views = files(path.join(SRC, 'store', 'views'), '.ts').flatMap((file) =>
    specifiers(file).filter((s) => !s.startsWith('./') && !/^\.\.\/[a-z-]+\.js$/.test(s)).map((s) => `${path.relative(SRC, file)} imports ${s}`),
  );
  assert.deepEqual(views, []);
});

test('the compiled pages load in a browser as they are: they import only each other and uplot', () => {
  const modules = fs.readdirSync(CLIENT_JS).filter((name) => name.endsWith('.js'));
  assert.ok(modules.includes('main.js'));
  const bad = modules.flatMap((name) =>
    specifiers(path.join(CLIENT_JS, name))
      .filter((s) => s !== 'uplot' && !(/^\.\/[a-z0-9-]+\.js$/.test(s) && modules.includes(s.slice(2))))
      .map((s) => `${name} imports ${s}`),
  );
  assert.deepEqual(bad, []);
});

test('the pages never parse text as HTML (no innerHTML, outerHTML, insertAdjacentHTML, document.write, eval)', () => {
  const risky = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/;
  const offenders = files(path.join(DASHBOARD, 'client'), '.ts').filter((file) => risky.test(fs.readFileSync(file, 'utf8')));
  assert.deepEqual(offenders.map((file) => path.relative(SRC, file)), []);
});
