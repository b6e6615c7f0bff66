/**
 * rediss:// and passwords end to end: a redis-server that speaks TLS only, with a password, and a certificate
 * of its own (openssl makes it; Node trusts it through NODE_EXTRA_CA_CERTS). A worker and a search work through
 * it; without the certificate trusted, the search refuses the queue in one line, before writing anything.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, startCli, tmpDir } from '../e2e/cli.js';
import { startWorkerProcess, stopAll, trialsOf } from './processes.js';
import { startRedis } from './redis-server.js';

test('a worker and a search through rediss:// with a password; an untrusted certificate is refused in one line', async (t) => {
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0) {
    t.skip('openssl is not installed (it makes the test certificate)');
    return;
  }
  const dir = tmpDir();
  const certs = fs.mkdtempSync(path.join(dir, '..', 'nas-tls-'));
  const cert = path.join(certs, 'cert.pem');
  const key = path.join(certs, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const redis = await startRedis({ tls: { cert, key }, password: 's3cret' });
  const trusted = { NODE_EXTRA_CA_CERTS: cert };
  const worker = startWorkerProcess(redis.url, 'tls', { cwd: dir, env: { ...trusted, NAS_TEST_EVALUATOR: 'fake:10' } });
  try {
    assert.match(redis.url, /^rediss:\/\/:s3cret@127\.0\.0\.1:\d+$/);
    const args = ['search', '--dataset', 'synthetic', '--space', 'fashion', '--trials', '3', '--epochs', '1', '--db', 'q.db', '--queue', redis.url];
    const untrusted = await runCli(args, { cwd: dir });
    assert.equal(untrusted.code, 2, untrusted.stderr);
    assert.match(untrusted.stderr, /^nas: error: cannot reach the queue at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(self.signed|certificate)/im);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
    await worker.ready;
    const result = await startCli(args, { cwd: dir, env: trusted }).done;
    assert.equal(result.code, 0, result.stderr);
    const trials = trialsOf(dir, 'q.db').filter((trial) => trial.status !== 'duplicate');
    assert.ok(trials.length > 0 && trials.every((trial) => trial.status === 'completed' && trial.worker === 'tls/fake'));
  } finally {
    await stopAll([worker]);
    await redis.stop();
    fs.rmSync(certs, { recursive: true, force: true });
  }
});
