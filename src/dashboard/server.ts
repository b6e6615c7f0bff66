import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, DatabaseError, NasError } from '../errors.js';
import { apiAnswer } from './api.js';
import { contentSecurityPolicy, loadAssets, type Asset } from './assets.js';
import { DashboardData } from './data.js';
import { BadRequestError, NotFoundError } from './errors.js';
import { LiveHub } from './live.js';

export interface DashboardOptions {
  /** The results database. */
  db: string;
  /** 0 takes any free port. */
  port: number;
  host: string;
  /** How often the change counter is read while a page listens, in ms (default 300). */
  pollMs?: number;
  /** Where the server reports a request that failed (default: stderr). */
  log?: (line: string) => void;
}

export interface DashboardServer {
  url: string;
  /** Resolves once every experiment's trials are read (the first page then draws without waiting for them). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Serves the dashboard: the page, its modules, uPlot, the JSON views and the live event stream, all GET, all
 * read-only. Bound to a loopback address, it answers only requests addressed to a loopback name (a page of
 * another site cannot reach it through DNS rebinding).
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const data = DashboardData.open(options.db);
  const assets = loadAssets();
  const live = new LiveHub(() => data.version(), options.pollMs);
  const csp = contentSecurityPolicy();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loopback = isLoopback(options.host);
  const server = http.createServer((request, response) => {
    setHeaders(response, csp);
    try {
      route(request, response);
    } catch (error) {
      fail(response, error, log);
    }
  });

  function route(request: IncomingMessage, response: ServerResponse): void {
    if (loopback && !LOOPBACK_NAMES.has(hostName(request.headers.host))) return sendText(response, 421, 'misdirected request: use a loopback address');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');
    const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
    if (url.pathname === '/api/events') return live.attach(response);
    const asset = assets.get(url.pathname);
    if (asset) return sendAsset(response, asset, request.method === 'HEAD');
    if (url.pathname.startsWith('/api/')) {
      const answer = apiAnswer(data, url.pathname, url.searchParams);
      if (answer) return sendJson(response, 200, answer.value);
    }
    throw new NotFoundError(`nothing at ${url.pathname.slice(0, 100)}`);
  }

  await listen(server, options.port, options.host).catch((error: unknown) => {
    data.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  // Read every experiment's trials now, while the user opens the page, rather than at the page's first request.
  let closed = false;
  const ready = new Promise<void>((resolve) =>
    setImmediate(() => {
      try {
        if (!closed) data.experiments();
      } catch (error) {
        log(`nas dashboard: ${(error as Error).message}`);
      }
      resolve();
    }),
  );
  return {
    url: `http://${shown}:${port}/`,
    ready,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        live.close();
        server.close(() => resolve());
        server.closeAllConnections();
        data.close();
      }),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
    server.listen(port, host, () => resolve());
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`port ${port} on ${host} is in use: choose another with --port (0 takes any free one)`);
    case 'EACCES':
      return new ConfigError(`no permission to listen on port ${port} on ${host}: choose a port above 1023 with --port`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`cannot listen on --host ${host}: not an address of this machine`);
    default:
      return error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostName(header: string | undefined): string {
  if (!header) return '';
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
  return /^127\.\d+\.\d+\.\d+$/.test(name) ? '127.0.0.1' : name.toLowerCase();
}

function setHeaders(response: ServerResponse, csp: string): void {
  response.setHeader('Content-Security-Policy', csp);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendAsset(response: ServerResponse, asset: Asset, headOnly: boolean): void {
  response.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache' });
  response.end(headOnly ? undefined : asset.body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  response.end(body);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

/** A failed request answers JSON `{error}` (the page shows it as text) and the server goes on. */
function fail(response: ServerResponse, error: unknown, log: (line: string) => void): void {
  const status =
    error instanceof NotFoundError ? 404 : error instanceof BadRequestError ? 400 : error instanceof DatabaseError ? 503 : 500;
  const message = error instanceof NasError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`;
  if (!(error instanceof NasError)) log(`nas dashboard: ${(error as Error)?.stack ?? String(error)}`);
  else if (status >= 500) log(`nas dashboard: ${message}`);
  if (response.headersSent) return void response.end();
  sendJson(response, status, { error: message });
}
