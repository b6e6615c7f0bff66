/**
 * Acceptance, a second host: a worker in its own network namespace (`ip netns` and a veth pair, made and removed
 * here) reaches Redis over that link and takes a trial; the link is cut mid-trial (veth down), the worker is
 * taken for dead once its job's lock expires, and the trial is trained again by a worker on this host. The
 * search ends as the local run does. Needs root (CI runs as root); skipped with the reason otherwise. The
 * addresses are 198.18.N.1 and .2 (the benchmarking range), on the pair only: nothing leaves the machine.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { runCli, startCli, tmpDir } from '../e2e/cli.js';
import { until } from './helpers.js';
import { outcomes, startWorkerProcess, stopAll, trialsOf, type WorkerProcess } from './processes.js';
import { startRedis } from './redis-server.js';

const SEARCH = ['search', '--dataset', 'synthetic', '--space', 'fashion', '--trials', '3', '--concurrency', '1', '--epochs', '2', '--prune', 'none', '--json', '--db'];
const FAKE = { NAS_TEST_EVALUATOR: 'fake:800' };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** A namespace joined to this one by a veth pair; null (with why) when this machine will not make one. */
function makeLink(): { ns: string; host: string; remote: string; hostVeth: string; remove: () => void } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'needs root for ip netns' };
  const tag = crypto.randomBytes(3).toString('hex');
  const octet = crypto.randomBytes(1)[0]!;
  const link = { ns: `nas-w-${tag}`, host: `198.18.${octet}.1`, remote: `198.18.${octet}.2`, hostVeth: `nasv${tag}a` };
  const remove = (): void => {
    for (const args of [['link', 'del', link.hostVeth], ['netns', 'del', link.ns]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', link.ns);
    ip('link', 'add', link.hostVeth, 'type', 'veth', 'peer', 'name', `nasv${tag}b`);
    ip('link', 'set', `nasv${tag}b`, 'netns', link.ns);
    ip('addr', 'add', `${link.host}/30`, 'dev', link.hostVeth);
    ip('link', 'set', link.hostVeth, 'up');
    ip('netns', 'exec', link.ns, 'ip', 'addr', 'add', `${link.remote}/30`, 'dev', `nasv${tag}b`);
    ip('netns', 'exec', link.ns, 'ip', 'link', 'set', `nasv${tag}b`, 'up');
    ip('netns', 'exec', link.ns, 'ip', 'link', 'set', 'lo', 'up');
    return { ...link, remove };
  } catch (error) {
    remove();
    return { skip: `cannot make a network namespace here: ${(error as Error).message.split('\n')[0]}` };
  }
}

test('a worker on a second host (a network namespace) trains over the link; cut mid-trial, its trial is retried here', async (t) => {
  const link = makeLink();
  if ('skip' in link) {
    t.skip(link.skip);
    return;
  }
  const dir = tmpDir();
  const workers: WorkerProcess[] = [];
  const redis = await startRedis({ bind: [link.host] }).catch((error: unknown) => {
    link.remove();
    throw error;
  });
  try {
    const reference = await runCli([...SEARCH, 'local.db'], { cwd: dir, env: FAKE });
    assert.equal(reference.code, 0, reference.stderr);
    const remoteUrl = `redis://${link.host}:${redis.port}`;
    const remote = startWorkerProcess(remoteUrl, 'remote', { cwd: dir, env: FAKE, prefix: ['ip', 'netns', 'exec', link.ns] });
    workers.push(remote);
    await remote.ready;
    const search = startCli([...SEARCH, 'queue.db', '--queue', redis.url], { cwd: dir });
    await until(() => remote.current.has(1), 'the remote worker to take trial #1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    ip('link', 'set', link.hostVeth, 'down');
    const local = startWorkerProcess(redis.url, 'local', { cwd: dir, env: FAKE });
    workers.push(local);
    const result = await search.done;
    assert.equal(result.code, 0, result.stderr);
    const trials = trialsOf(dir, 'queue.db');
    assert.deepEqual(outcomes(trials), outcomes(trialsOf(dir, 'local.db')));
    assert.equal(trials[0]!.worker, 'local/fake', 'trial #1 was trained again on this host');
    assert.ok(local.started.includes(1));
    assert.deepEqual(remote.started, [1], 'the remote worker took trial #1 over the link, then was cut off');
  } finally {
    await stopAll(workers.filter((w) => w.name === 'local'));
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.done));
    await redis.stop();
    link.remove();
  }
});
