/**
 * Connections to the queue's Redis. Every long-lived connection reconnects by itself with backoff (100 ms
 * doubling to 3.2 s) and holds its commands while Redis is away (BullMQ asks for maxRetriesPerRequest: null),
 * so an orchestrator or worker rides out a Redis restart. Before anything starts, `checkReachable` connects
 * once without retrying, so that a wrong address or password is one line and exit 2, not a silent wait.
 */
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { NasError } from '../errors.js';
import { parseQueueUrl, redactedUrl } from './url.js';

/** The queue cannot be reached or used (address, password, TLS, version): exit 2 before anything is written. */
export class QueueError extends NasError {}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 3200;
/** BullMQ's minimum. */
const MIN_REDIS_MAJOR = 5;

/** Options whose retry strategy always retries (BullMQ's connection type wants a function there). */
export type ReconnectingOptions = RedisOptions & { retryStrategy: (times: number) => number };

/** Connection options for ioredis and BullMQ from a queue URL; `name` shows in Redis' CLIENT LIST. */
export function redisOptions(url: string, name: string): ReconnectingOptions {
  const address = parseQueueUrl(url);
  const options: ReconnectingOptions = {
    host: address.host,
    port: address.port,
    db: address.db,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(times - 1, 6)),
  };
  if (address.username !== undefined) options.username = address.username;
  if (address.password !== undefined) options.password = address.password;
  // rediss://: TLS, the server's certificate checked against Node's CAs (NODE_EXTRA_CA_CERTS adds a private CA).
  if (address.tls) options.tls = isIP(address.host) ? {} : { servername: address.host };
  return options;
}

/** A reconnecting connection; its errors (Redis away, reconnecting) go to `onError` rather than crash the process. */
export function connect(url: string, name: string, onError: (error: Error) => void = () => undefined): Redis {
  const client = new Redis(redisOptions(url, name));
  client.on('error', onError);
  return client;
}

/** A connection made once, without retries: a QueueError (one line, no password) when the queue does not answer. */
export async function connectOnce(url: string, name: string, timeoutMs = 5000): Promise<Redis> {
  const client = new Redis({
    ...redisOptions(url, name),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
  });
  // The reason (WRONGPASS, ECONNREFUSED, a TLS error) comes as an error event; connect() then says only "closed".
  let reason: unknown;
  client.on('error', (error) => (reason ??= error));
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw new QueueError(`cannot reach the queue at ${redactedUrl(url)}: ${describeError(reason ?? error)}`);
  }
}

/** Connects once, without retries: the address answers, the password is right, Redis is recent enough. */
export async function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = await connectOnce(url, 'nas-check', timeoutMs);
  try {
    const info = await client.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && Number(version[1]) < MIN_REDIS_MAJOR) {
      throw new QueueError(`the queue at ${redactedUrl(url)} runs Redis ${version[1]}.${version[2]}; BullMQ needs ${MIN_REDIS_MAJOR}.0 or later (6.2 or later recommended)`);
    }
  } catch (error) {
    if (error instanceof QueueError) throw error;
    throw new QueueError(`the queue at ${redactedUrl(url)} refused a command: ${describeError(error)}`);
  } finally {
    client.disconnect();
  }
}

/** One line for a connection error (ioredis' AggregateError carries its causes). */
export function describeError(error: unknown): string {
  const causes = (error as { errors?: unknown[] }).errors;
  const first = Array.isArray(causes) && causes.length > 0 ? causes[0] : error;
  const message = first instanceof Error ? first.message : String(first);
  return message.split('\n')[0]!.trim() || 'connection failed';
}
