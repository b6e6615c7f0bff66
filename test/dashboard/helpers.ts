import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startDashboard, type DashboardServer } from '../../src/dashboard/index.js';
import { Store } from '../../src/store/index.js';
import { addReplay, generateExperiment, type GeneratedExperiment } from './generate.js';

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-dashboard-'));
}

/** A database with the given experiments (generated rows), and a replay of the first experiment's best trial. */
export function makeDatabase(file: string, experiments: GeneratedExperiment[]): { ids: number[]; replayed: number } {
  const store = Store.open(file, { create: true });
  try {
    const ids = experiments.map((spec) => generateExperiment(store, spec));
    const replayed = store.trials.top(ids[0]!, 1)[0]!.id;
    addReplay(store, replayed);
    return { ids, replayed };
  } finally {
    store.close();
  }
}

export async function serve(db: string): Promise<DashboardServer> {
  return startDashboard({ db, port: 0, host: '127.0.0.1', pollMs: 100, log: () => {} });
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw GET (the path is sent as given, not normalised), with optional headers. */
export function get(base: string, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: pathname, method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

export async function getJson<T>(base: string, pathname: string): Promise<T> {
  const answer = await get(base, pathname);
  if (answer.status !== 200) throw new Error(`${pathname}: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as T;
}
