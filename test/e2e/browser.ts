/**
 * A real browser for the tests: Debian's chromium driven by playwright-core (which never downloads a browser), a
 * fresh profile, no network but a local http server on 127.0.0.1 serving the files the test names.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

export interface LocalServer {
  origin: string;
  /** Paths asked for that were not served (404). */
  missing: string[];
  close(): Promise<void>;
}

/** Serves `routes` (URL path -> file; a path ending in '/' may name a folder) on 127.0.0.1, nothing else. */
export async function serveFiles(routes: Record<string, string>): Promise<LocalServer> {
  const missing: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const file = resolveRoute(routes, decodeURIComponent(url.pathname));
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      missing.push(url.pathname);
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    missing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function resolveRoute(routes: Record<string, string>, pathname: string): string | undefined {
  if (routes[pathname]) return routes[pathname];
  for (const [prefix, folder] of Object.entries(routes)) {
    if (!prefix.endsWith('/') || !pathname.startsWith(prefix) || !fs.statSync(folder).isDirectory()) continue;
    const file = path.resolve(folder, pathname.slice(prefix.length));
    if (file.startsWith(path.resolve(folder) + path.sep)) return file;
  }
  return undefined;
}

/**
 * Runs `use` with a fresh chromium profile in which every request that does not go to `origin` is refused (and
 * recorded in `blocked`): the page can reach nothing but the local server.
 */
export async function withChromium<T>(origin: string, use: (context: BrowserContext, blocked: string[]) => Promise<T>): Promise<T> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-chromium-'));
  const blocked: string[] = [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, HOME: profile },
  });
  try {
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    return await use(context, blocked);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
