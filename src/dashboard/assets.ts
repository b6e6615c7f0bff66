import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STYLE } from './style.js';

export interface Asset {
  type: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);
/** The pages' modules: compiled with the package (tsc), beside this file. */
const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));
const MODULE_NAME = /^[a-z0-9-]+\.js$/;

/**
 * uPlot and its style sheet, from the installed package (node_modules), never from a CDN. The package's minified
 * build is a script that declares `var uPlot`; one line more makes it an ES module (a third of its ES build's size).
 */
export function uplotFiles(): { js: string; css: string } {
  const js = require.resolve('uplot/dist/uPlot.iife.min.js');
  const source = fs.readFileSync(js, 'utf8');
  return { js: `${source}\nexport default uPlot;\n`, css: fs.readFileSync(path.join(path.dirname(js), 'uPlot.min.css'), 'utf8') };
}

/** The pages' ES modules by file name (main.js imports the others). */
export function clientModules(): Map<string, string> {
  const modules = new Map<string, string>();
  for (const name of fs.readdirSync(CLIENT_DIR).sort()) {
    if (MODULE_NAME.test(name)) modules.set(name, fs.readFileSync(path.join(CLIENT_DIR, name), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'));
  }
  return modules;
}

const IMPORT_MAP = JSON.stringify({ imports: { uplot: '/assets/uplot.js' } });

/** The one HTML page of the dashboard: the pages draw themselves from the URL's hash. */
export function shellPage(): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>nas dashboard</title>',
    '<link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="/assets/uplot.css">',
    '<link rel="stylesheet" href="/assets/style.css">',
    `<script type="importmap">${IMPORT_MAP}</script>`,
    '<script type="module" src="/assets/main.js"></script>',
    '</head><body><noscript>The nas dashboard needs JavaScript.</noscript></body></html>',
    '',
  ].join('\n');
}

/**
 * The Content-Security-Policy of every answer: scripts only from this server (and the inline import map, by
 * its hash), requests only to it; nothing from anywhere else, no frames, no forms, no plugins.
 */
export function contentSecurityPolicy(): string {
  const importMapHash = crypto.createHash('sha256').update(IMPORT_MAP).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Every file the server answers, by its exact URL path: nothing else is read from disk, whatever the URL. */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const js = 'text/javascript; charset=utf-8';
  const uplot = uplotFiles();
  assets.set('/', { type: 'text/html; charset=utf-8', body: Buffer.from(shellPage()) });
  assets.set('/assets/uplot.js', { type: js, body: Buffer.from(uplot.js) });
  assets.set('/assets/uplot.css', { type: 'text/css; charset=utf-8', body: Buffer.from(uplot.css) });
  assets.set('/assets/style.css', { type: 'text/css; charset=utf-8', body: Buffer.from(STYLE) });
  for (const [name, source] of clientModules()) assets.set(`/assets/${name}`, { type: js, body: Buffer.from(source) });
  return assets;
}
