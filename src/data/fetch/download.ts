/** Download one file to a temporary name, check its MD5, and only then rename it into place. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import type { ProgressSink } from './progress.js';
import { removeStale } from './stale.js';

export async function downloadFile(url: string, dest: string, md5: string, progress?: ProgressSink): Promise<void> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  removeStale(path.dirname(dest), `${path.basename(dest)}.part-`);
  const partial = `${dest}.part-${process.pid}`;
  try {
    const actual = await streamToFile(url, partial, progress);
    if (actual !== md5.toLowerCase()) {
      throw new DataError(
        `${path.basename(dest)} downloaded from ${url}: checksum mismatch: expected MD5 ${md5.toLowerCase()}, got ${actual}; the download was removed`,
      );
    }
    fs.renameSync(partial, dest);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** MD5 of a file on disk, as lowercase hex. */
export async function fileMd5(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

async function streamToFile(url: string, file: string, progress?: ProgressSink): Promise<string> {
  const response = await request(url);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = crypto.createHash('md5');
  const out = fs.createWriteStream(file);
  let done = 0;
  progress?.({ phase: 'download', done, total });
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      done += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      progress?.({ phase: 'download', done, total });
    }
  } catch (error) {
    throw new DataError(`download of ${url} was interrupted after ${done} bytes: ${(error as Error).message}`);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  if (total > 0 && done !== total) throw new DataError(`download of ${url} stopped after ${done} of ${total} bytes`);
  return hash.digest('hex');
}

async function request(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new DataError(`cannot download ${url}: ${cause} (set --data-mirror or $NAS_DATA_MIRROR to use a mirror)`);
  }
  if (!response.ok || !response.body) {
    throw new DataError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  return response;
}
