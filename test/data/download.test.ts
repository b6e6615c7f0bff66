import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DataError } from '../../src/errors.js';
import { fetchDataset, loadDataset } from '../../src/data/index.js';
import { CIFAR100_LABELS, cifar100Files, cifarPixel, isolateEnvironment, tarGz, tempDir } from './fixtures.js';

isolateEnvironment();

/** Serves files from a map of URL path to bytes, counting requests per path. */
async function serve(files: Record<string, Buffer>) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/gzip' });
    // In pieces, so that the client sees several progress events.
    const pieces = 4;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces; i++) res.write(body.subarray(i * size, (i + 1) * size));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function archiveBytes(): Promise<Buffer> {
  const file = path.join(tempDir(), 'cifar-100-binary.tar.gz');
  await tarGz(file, cifar100Files());
  return fs.readFileSync(file);
}

const md5 = (bytes: Buffer) => crypto.createHash('md5').update(bytes).digest('hex');

test('download from $NAS_DATA_MIRROR: progress, checksum, extraction into the data dir, then cached', async () => {
  const archive = await archiveBytes();
  const server = await serve({ '/cifar100/cifar-100-binary.tar.gz': archive });
  process.env.NAS_DATA_MIRROR = server.url;
  process.env.NAS_DATA_CHECKSUMS = JSON.stringify({ 'cifar-100-binary.tar.gz': md5(archive) });
  const root = tempDir();
  // Leftovers of a process killed mid-download and mid-extraction (pid 2^22 + 1 is above Linux's pid_max: not running).
  const dead = 4194305;
  fs.mkdirSync(path.join(root, 'cifar100', `.extract-${dead}-abc`, 'cifar-100-binary'), { recursive: true });
  fs.writeFileSync(path.join(root, 'cifar100', `cifar-100-binary.tar.gz.part-${dead}`), 'half');
  const events: { phase: string; done: number; total: number }[] = [];

  const data = await loadDataset('cifar100', { dataDir: root, onProgress: (event) => events.push(event) });

  assert.deepEqual(server.requests, ['/cifar100/cifar-100-binary.tar.gz']);
  const downloads = events.filter((event) => event.phase === 'download');
  assert.ok(downloads.length >= 2, `several download events, got ${downloads.length}`);
  assert.ok(downloads.every((event, i) => event.total === archive.length && (i === 0 || event.done >= downloads[i - 1].done)));
  assert.equal(downloads.at(-1)?.done, archive.length);
  assert.ok(events.some((event) => event.phase === 'extract' && event.done === event.total));
  assert.equal(data.source, path.join(root, 'cifar100'));
  assert.deepEqual(fs.readdirSync(data.source), ['cifar-100-binary'], 'archive and temporary files are gone');
  assert.deepEqual([...data.train.labels], CIFAR100_LABELS.map(([, fine]) => fine));
  assert.equal(data.train.images[3 * 3072 + 5 * 3 + 2], cifarPixel(3, 2, 5));

  const again = await loadDataset('cifar100', { dataDir: root });
  assert.equal(server.requests.length, 1, 'the second load makes no request');
  assert.deepEqual(again.train.images, data.train.images);
  assert.equal(await fetchDataset('cifar100', { dataDir: root }), data.source);
  assert.equal(server.requests.length, 1, 'fetching a present dataset makes no request');
});

test('a corrupted download is refused, names the file and both checksums, and is removed', async () => {
  const archive = await archiveBytes();
  const corrupted = Buffer.from(archive);
  corrupted[corrupted.length >> 1] ^= 0xff;
  const server = await serve({ '/cifar100/cifar-100-binary.tar.gz': corrupted });
  process.env.NAS_DATA_CHECKSUMS = JSON.stringify({ 'cifar-100-binary.tar.gz': md5(archive) });
  const root = tempDir();

  await assert.rejects(loadDataset('cifar100', { dataDir: root, mirror: server.url, onProgress: () => {} }), (error: Error) => {
    assert.ok(error instanceof DataError);
    assert.match(error.message, /cifar-100-binary\.tar\.gz downloaded from http:\/\/127\.0\.0\.1:\d+\/cifar100\/cifar-100-binary\.tar\.gz: checksum mismatch/);
    assert.ok(error.message.includes(`expected MD5 ${md5(archive)}, got ${md5(corrupted)}`), error.message);
    assert.match(error.message, /the download was removed/);
    return true;
  });
  assert.equal(server.requests.length, 1);
  assert.equal(fs.existsSync(path.join(root, 'cifar100')), false, 'no archive, no partial file, nothing extracted, and not the empty folder either');
  assert.ok(fs.existsSync(root), 'the data root, which was there before, stays');
});

test('the published checksum applies without an override; HTTP errors and download:false are clear', async () => {
  const archive = await archiveBytes();
  const server = await serve({ '/cifar100/cifar-100-binary.tar.gz': archive });
  delete process.env.NAS_DATA_CHECKSUMS;
  const root = tempDir();
  await assert.rejects(loadDataset('cifar100', { dataDir: root, mirror: server.url, onProgress: () => {} }), /expected MD5 03b5dce01913d631647c71ecec9e9cb8/);
  await assert.rejects(loadDataset('cifar10', { dataDir: root, mirror: server.url, onProgress: () => {} }), /cannot download http:\/\/127\.0\.0\.1:\d+\/cifar10\/cifar-10-binary\.tar\.gz: HTTP 404/);
  await assert.rejects(loadDataset('mnist', { dataDir: root, download: false }), /dataset mnist not found \(looked in .*\); run 'nas datasets fetch mnist'/);
});

test('a failed download removes the folders it created, and only those; --data-dir on a file is one clear error', async () => {
  const server = await serve({});
  const parent = tempDir();
  const root = path.join(parent, 'new', 'data');
  await assert.rejects(fetchDataset('cifar100', { dataDir: root, mirror: server.url }), /HTTP 404/);
  assert.deepEqual(fs.readdirSync(parent), [], 'new/data/cifar100 all removed: the fetch made them');
  const kept = tempDir();
  fs.mkdirSync(path.join(kept, 'cifar100'));
  fs.writeFileSync(path.join(kept, 'cifar100', 'notes.txt'), 'mine');
  await assert.rejects(fetchDataset('cifar100', { dataDir: kept, mirror: server.url }), /HTTP 404/);
  assert.deepEqual(fs.readdirSync(path.join(kept, 'cifar100')), ['notes.txt'], 'a folder that was there stays');
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'not a folder');
  for (const dataDir of [file, path.join(file, 'below')]) {
    await assert.rejects(fetchDataset('cifar100', { dataDir, mirror: server.url }), (error: Error) => {
      assert.ok(error instanceof DataError, String(error));
      assert.equal(error.message, `cannot create the data folder ${path.join(dataDir, 'cifar100')}: ${file} is a file, not a folder (see --data-dir)`);
      return true;
    });
  }
  assert.equal(fs.readFileSync(file, 'utf8'), 'not a folder');
});
