/**
 * The trial table's query, pure: the server runs it over its cached rows, the report's page over the rows it
 * embeds. O(n log n) in the trials, whatever the filters.
 */
import { SORT_KEYS, STATUSES, type SortKey, type Status, type TablePage, type TableQuery, type TableRow } from './types.js';

export const DEFAULT_QUERY: TableQuery = { sort: 'seq', dir: 'asc', status: 'all', q: '', top: 0, offset: 0, limit: 50 };
const MAX_LIMIT = 1000;
const MAX_QUERY_LENGTH = 200;

/** A query from URL parameters; anything unknown or out of range takes the default. */
export function parseQuery(params: URLSearchParams): TableQuery {
  const sort = params.get('sort') as SortKey | null;
  const status = params.get('status') as Status | 'all' | null;
  return {
    sort: sort && SORT_KEYS.includes(sort) ? sort : DEFAULT_QUERY.sort,
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
    status: status && (status === 'all' || (STATUSES as readonly string[]).includes(status)) ? status : 'all',
    q: (params.get('q') ?? '').slice(0, MAX_QUERY_LENGTH),
    top: wholeNumber(params.get('top'), 0, 1_000_000, 0),
    offset: wholeNumber(params.get('offset'), 0, Number.MAX_SAFE_INTEGER, 0),
    limit: wholeNumber(params.get('limit'), 1, MAX_LIMIT, DEFAULT_QUERY.limit),
  };
}

export function queryParams(query: TableQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  return params;
}

export function runQuery(rows: readonly TableRow[], query: TableQuery): TablePage {
  const needle = query.q.trim().toLowerCase();
  let kept = rows.filter((row) => (query.status === 'all' || row.status === query.status) && matches(row, needle));
  if (query.top > 0) {
    kept = kept.filter((row) => row.reward !== null && row.status !== 'duplicate' && row.status !== 'failed');
    kept.sort((a, b) => b.reward! - a.reward! || a.seq - b.seq);
    kept = kept.slice(0, query.top);
  }
  const sign = query.dir === 'asc' ? 1 : -1;
  const key = query.sort;
  kept.sort((a, b) => compare(a[key], b[key], sign) || a.seq - b.seq);
  const offset = Math.min(query.offset, Math.max(0, kept.length - 1));
  return { total: kept.length, offset, rows: kept.slice(offset, offset + query.limit) };
}

/** A search matches the hash's start, the ARCH text anywhere, or `#SEQ` exactly. */
function matches(row: TableRow, needle: string): boolean {
  if (needle === '') return true;
  if (needle.startsWith('#')) return `#${row.seq}` === needle;
  return row.hash.startsWith(needle) || row.arch.toLowerCase().includes(needle);
}

/** Missing values sort last in either direction. */
function compare(a: number | string | null, b: number | string | null, sign: number): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a < b ? -1 : 1) * sign;
}

function wholeNumber(text: string | null, min: number, max: number, fallback: number): number {
  if (text === null || !/^\d+$/.test(text)) return fallback;
  return Math.min(max, Math.max(min, Number(text)));
}
