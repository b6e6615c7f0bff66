/**
 * The queue's address, `redis://[user:pass@]host:port[/db]` or `rediss://` (TLS): checked as an option value,
 * shown without its password, and turned into connection options. Light: no Redis client is loaded here (the
 * option table imports it).
 */
import { escapeControls } from '../checks.js';
import { ConfigError } from '../errors.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
}

const DEFAULT_PORT = 6379;
const MAX_DB = 1_000_000;

/** A Check for --queue: the URL as given, once it parses into an address. */
export function queueUrl(option: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(`${option} must be a redis:// or rediss:// URL, not ${escapeControls(String(value))}`);
  parseQueueUrl(value, option);
  return value;
}

/** The address a queue URL names; a ConfigError (without the password) when it names none. */
export function parseQueueUrl(text: string, option = '--queue'): QueueAddress {
  const fail = (why: string): never => {
    throw new ConfigError(`${option} ${why}: '${redactedUrl(text)}' (expected redis://[user:password@]host:port[/db] or rediss://...)`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return fail(`must use redis:// or rediss://, not ${url.protocol}//`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') fail('names no host');
  if (url.search !== '' || url.hash !== '') fail('takes no query or fragment');
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db > MAX_DB) fail('has a database number that is not a small integer');
  const address: QueueAddress = { host, port: url.port === '' ? DEFAULT_PORT : Number(url.port), db, tls: url.protocol === 'rediss:' };
  if (url.username !== '') address.username = decodeURIComponent(url.username);
  if (url.password !== '') address.password = decodeURIComponent(url.password);
  return address;
}

/** The URL with its password (if any) replaced by '***', for messages and tables. */
export function redactedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return escapeControls(url.toString());
  } catch {
    return escapeControls(text.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@'));
  }
}
