import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { shippedFile } from '../../src/util/paths.js';
import { CIFAR100_LABELS, IDX_TEST_LABELS, cifar100Files, cifarPixel, ferCsv, idxFiles, idxPixel, tarGz, tempDir, writeFiles } from './fixtures.js';

const run = promisify(execFile);
const CLI = shippedFile('dist', 'src', 'cli', 'main.js');

async function nas(args: string[], env: Record<string, string> = {}) {
  const cleanEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: tempDir('nas-cache-'), ...env };
  for (const name of ['NAS_DATA_DIR', 'NAS_DATA_MIRROR', 'NAS_DATA_CHECKSUMS']) if (!(name in env)) delete cleanEnv[name];
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: cleanEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const debianAbsent = !fs.existsSync('/usr/share/datasets/fashion-mnist') && "Debian's dataset-fashion-mnist is not installed";

test('nas datasets lists every dataset: fashion-mnist found in Debian\'s folder with 60000/10000', { skip: debianAbsent }, async () => {
  const { code, stdout } = await nas(['datasets'], { NAS_DATA_DIR: tempDir() });
  assert.equal(code, 0);
  assert.match(stdout, /^fashion-mnist\s+10\s+28x28x1\s+60000\s+10000\s+\/usr\/share\/datasets\/fashion-mnist$/m);
  assert.match(stdout, /^cifar100\s+100\s+32x32x3\s+50000\s+10000\s+not found: downloadable/m);
  assert.match(stdout, /^synthetic\s+4\s+16x16x1\s+600\s+200\s+generated in memory$/m);
  assert.match(stdout, /^fer2013: .*put it at .*fer2013\/fer2013\.csv/m);
});

test('nas datasets counts the files it finds under --data-dir', async () => {
  const root = tempDir();
  writeFiles(path.join(root, 'mnist'), idxFiles());
  writeFiles(path.join(root, 'fer2013'), { 'fer2013.csv': ferCsv() });
  const { code, stdout } = await nas(['datasets', '--data-dir', root, '--json']);
  assert.equal(code, 0);
  const statuses = JSON.parse(stdout) as { name: string; location?: string; counts: object }[];
  assert.deepEqual(statuses.find((s) => s.name === 'fer2013')?.counts, { train: 4, test: 3 });
  const mnist = statuses.find((s) => s.name === 'mnist');
  assert.deepEqual(mnist, {
    name: 'mnist',
    description: 'MNIST: 28x28 grayscale handwritten digits, 10 classes',
    downloadable: true,
    counts: { train: 6, test: 3 },
    location: path.join(root, 'mnist'),
  });
});

test('nas datasets show --json prints the label and the HWC pixels of one example', async () => {
  const root = tempDir();
  writeFiles(path.join(root, 'mnist'), idxFiles());
  writeFiles(root, cifar100Files());
  const mnist = await nas(['datasets', 'show', 'mnist', '--data-dir', root, '--split', 'test', '--index', '1', '--json']);
  assert.equal(mnist.code, 0, mnist.stderr);
  const shown = JSON.parse(mnist.stdout);
  assert.equal(shown.label, IDX_TEST_LABELS[1]);
  assert.equal(shown.className, String(IDX_TEST_LABELS[1]));
  assert.deepEqual(shown.shape, [28, 28, 1]);
  assert.deepEqual(shown.pixels, Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => [idxPixel(1, y * 28 + x)])));

  const cifar = JSON.parse((await nas(['datasets', 'show', 'cifar100', '--data-dir', root, '--index', '3', '--json'])).stdout);
  const [coarse, fine] = CIFAR100_LABELS[3];
  assert.deepEqual(cifar.labels, { fine: { label: fine, className: 'leopard' }, coarse: { label: coarse, className: 'large_omnivores_and_herbivores' } });
  assert.equal(cifar.labelMode, 'fine');
  assert.deepEqual(cifar.pixels[4][9], [0, 1, 2].map((c) => cifarPixel(3, c, 4 * 32 + 9)));

  const bad = await nas(['datasets', 'show', 'mnist', '--data-dir', root, '--index', '6']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'nas: error: --index must be an integer from 0 to 5 for mnist train, got 6\n');
});

test('nas datasets fetch downloads from --data-mirror into --data-dir', async () => {
  const archive = path.join(tempDir(), 'cifar-100-binary.tar.gz');
  await tarGz(archive, cifar100Files());
  const bytes = fs.readFileSync(archive);
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    if (req.url === '/cifar100/cifar-100-binary.tar.gz') res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const root = tempDir();
  const checksums = JSON.stringify({ 'cifar-100-binary.tar.gz': crypto.createHash('md5').update(bytes).digest('hex') });
  const fetched = await nas(['datasets', 'fetch', 'cifar100', '--data-dir', root, '--data-mirror', mirror], { NAS_DATA_CHECKSUMS: checksums });
  assert.equal(fetched.code, 0, fetched.stderr);
  assert.equal(fetched.stdout, `cifar100: ${path.join(root, 'cifar100')}\n`);
  assert.match(fetched.stderr, /download cifar100: 100%/);
  assert.ok(fs.existsSync(path.join(root, 'cifar100', 'cifar-100-binary', 'test.bin')));
  assert.equal(requests, 1);
});
