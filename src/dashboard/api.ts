import { parseQuery } from './client/table-query.js';
import type { DashboardData } from './data.js';
import { BadRequestError } from './errors.js';

type Handler = (data: DashboardData, id: number, params: URLSearchParams) => unknown;

/** The JSON views by URL path: a fixed table of patterns, each with at most one numeric id. No SQL, no file path from the URL. */
const ROUTES: [RegExp, Handler][] = [
  [/^\/api\/experiments$/, (data) => data.experiments()],
  [/^\/api\/experiments\/(\d+)$/, (data, id) => data.experiment(id)],
  [/^\/api\/experiments\/(\d+)\/columns$/, (data, id, params) => data.columns(id, count(params, 'fromSeq', 0))],
  [/^\/api\/experiments\/(\d+)\/controller$/, (data, id, params) => data.controller(id, count(params, 'fromBatch', 0))],
  [/^\/api\/experiments\/(\d+)\/table$/, (data, id, params) => data.table(id, parseQuery(params))],
  [
    /^\/api\/experiments\/(\d+)\/curves$/,
    (data, id, params) => data.curves(id, count(params, 'top', 10), idList(params), count(params, 'pruned', 0)),
  ],
  [/^\/api\/trials\/(\d+)$/, (data, id) => data.trial(id)],
  [/^\/api\/compare$/, (data, _id, params) => data.compare(idList(params))],
];

/** The handler's answer for `pathname`, or undefined when no JSON view has that path. */
export function apiAnswer(data: DashboardData, pathname: string, params: URLSearchParams): { value: unknown } | undefined {
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const id = match[1] === undefined ? 0 : Number(match[1]);
    if (!Number.isSafeInteger(id)) throw new BadRequestError(`id ${match[1]} is out of range`);
    return { value: handler(data, id, params) };
  }
  return undefined;
}

function count(params: URLSearchParams, name: string, fallback: number): number {
  const text = params.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new BadRequestError(`${name} must be a whole number, not '${text.slice(0, 40)}'`);
  return Number(text);
}

/** `ids=1,2,3`: at most 100 ids. */
function idList(params: URLSearchParams): number[] {
  const text = params.get('ids') ?? '';
  if (text === '') return [];
  const parts = text.split(',');
  if (parts.length > 100 || parts.some((part) => !/^\d{1,15}$/.test(part))) throw new BadRequestError('ids must be up to 100 whole numbers, comma-separated');
  return [...new Set(parts.map(Number))];
}
