import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { SearchEvent } from '../../src/search/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { search, storedTrials, tmpDir } from './helpers.js';

const LEASE_MS = 600;

/** A second process that takes a trial's lease and keeps renewing it until it is killed. */
function holdLease(db: string, trialId: number): Promise<ChildProcess> {
  const store = pathToFileURL(shippedFile('dist', 'src', 'store', 'index.js')).href;
  const script = `
    const { Store, newLeaseHolder } = await import(${JSON.stringify(store)});
    const store = Store.open(${JSON.stringify(db)}, { create: false });
    const holder = newLeaseHolder();
    if (!store.trials.acquire(${trialId}, holder, ${LEASE_MS})) { console.log('refused'); process.exit(1); }
    setInterval(() => store.trials.renew(holder, ${LEASE_MS}), ${LEASE_MS / 4});
    console.log('holding');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (line: Buffer) => (String(line).trim() === 'holding' ? resolve(child) : reject(new Error(String(line)))));
    child.once('exit', (code) => reject(new Error(`the lease holder exited with ${code}`)));
  });
}

test("a resume leaves a trial alone while another live process holds its lease, and takes it once that process dies", async () => {
  const db = path.join(tmpDir(), 'lease.db');
  const options = { strategy: 'random', trials: 4, controllerBatch: 4 };
  const stopOnceQueued = (point: string): void => {
    if (point === 'queued') throw new Error('stopped once the batch was queued');
  };
  await assert.rejects(search(db, options, { killHook: stopOnceQueued }), /stopped once the batch was queued/);
  const queued = storedTrials(db);
  assert.equal(queued.length, 4);
  assert.ok(queued.every((t) => t.status === 'queued'));
  // A trial no other trial of the batch duplicates (a duplicate would wait for its result).
  const held = queued.find((t) => queued.filter((u) => u.hash === t.hash).length === 1)!;
  assert.ok(held, 'the batch has a trial of its own kind');
  const holder = await holdLease(db, held.id);

  let killedAt = 0;
  const others = new Set<number>();
  const events: SearchEvent[] = [];
  const run = await search(db, options, {
    leaseMs: LEASE_MS,
    onEvent: (event) => {
      events.push(event);
      if (event.type !== 'trial-end') return;
      others.add(event.trialId);
      if (others.size < 3 || killedAt) return;
      // Wait past several lease lengths: the holder's renewals keep its lease alive all along.
      setTimeout(() => {
        const now = storedTrials(db).find((t) => t.id === held.id)!;
        assert.equal(now.status, 'running', 'still running under the other process');
        assert.equal(now.attempts, 1);
        killedAt = Date.now();
        holder.kill('SIGKILL');
      }, 3 * LEASE_MS);
    },
  });
  assert.ok(killedAt > 0, 'the other trials finished while the lease was held');
  const start = events.find((e) => e.type === 'start');
  assert.equal(start?.type === 'start' && start.requeued, 0, 'the resume took back nothing at its start');
  const firstStart = events.findIndex((e) => e.type === 'trial-start' && e.trialId === held.id);
  const ends = events.filter((e, i) => e.type === 'trial-end' && e.trialId !== held.id && i < firstStart).length;
  assert.equal(ends, 3, 'the held trial started only after the three others ended (and the holder was killed)');
  assert.equal(run.summary.status, 'completed');
  const final = storedTrials(db).find((t) => t.id === held.id)!;
  assert.equal(final.status === 'completed' || final.status === 'pruned', true, final.status);
  assert.equal(final.attempts, 2, "the holder's attempt, then this search's");
  assert.ok(run.evaluator.requests.some((r) => r.trialId === held.id));
});
