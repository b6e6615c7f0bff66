import assert from 'node:assert/strict';
import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Store, leaseHasLapsed, newLeaseHolder, retireLeaseHolder, type LeaseHolder } from '../../src/store/index.js';
import { newTrial, state, tmpFile, withExperiment } from './helpers.js';

const MINUTE = 60_000;

function queued(count: number): { store: Store; id: number; trialIds: number[]; file: string } {
  const file = tmpFile();
  const { store, id } = withExperiment(file);
  const trials = store.queueBatch(id, 0, Array.from({ length: count }, (_, i) => newTrial(i + 1)), state(0, 'asked', 0));
  return { store, id, trialIds: trials.map((t) => t.id), file };
}

/** A holder on another machine: only the expiry of its leases says anything about it. */
const foreignHolder = (): LeaseHolder => ({ id: `elsewhere.example:${process.pid}:0a1b2c`, host: 'elsewhere.example', pid: process.pid });

test('acquire starts a new attempt under a lease; a live lease, or a finished trial, is not taken', () => {
  const { store, trialIds: [trialId] } = queued(1);
  const holder = newLeaseHolder();
  const before = Date.now();
  const trial = store.transaction(() => store.trials.acquire(trialId!, holder, MINUTE));
  assert.deepEqual([trial!.status, trial!.attempts, trial!.worker], ['running', 1, null]);
  const lease = store.trials.lease(trialId!)!;
  assert.equal(lease.holder, holder.id);
  assert.ok(lease.expiresAt >= before + MINUTE && lease.expiresAt <= Date.now() + MINUTE);
  assert.match(holder.id, new RegExp(`^${os.hostname()}:${process.pid}:[0-9a-f]+$`));

  assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE), null, 'another holder of this process');
  assert.equal(store.trials.acquire(trialId!, holder, MINUTE), null, 'the holder itself');
  store.trials.finish(trialId!, { status: 'completed', reward: 0.5 });
  assert.equal(store.trials.lease(trialId!), null, 'finishing clears the lease');
  assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE), null);
  store.close();
});

test('renew extends only the holder\'s running leases; release puts only the holder\'s trial back in the queue', async () => {
  const { store, trialIds } = queued(3);
  const [mine, alsoMine, theirs] = trialIds;
  const holder = newLeaseHolder();
  const other = newLeaseHolder();
  store.trials.acquire(mine!, holder, 1000);
  store.trials.acquire(alsoMine!, holder, 1000);
  store.trials.acquire(theirs!, other, 1000);
  const theirExpiry = store.trials.lease(theirs!)!.expiresAt;
  await sleep(20);
  assert.equal(store.trials.renew(holder, MINUTE), 2);
  assert.ok(store.trials.lease(mine!)!.expiresAt > Date.now() + MINUTE / 2);
  assert.equal(store.trials.lease(theirs!)!.expiresAt, theirExpiry);

  assert.equal(store.trials.release(theirs!, holder), false);
  assert.equal(store.trials.release(mine!, holder), true);
  const released = store.trials.byId(mine!)!;
  assert.deepEqual([released.status, released.startedAt, store.trials.lease(mine!)], ['queued', null, null]);
  assert.equal(store.trials.renew(holder, MINUTE), 1, 'a released trial is no longer renewed');
  store.close();
});

test('reclaimLapsed takes back expired leases, a retired holder\'s, and running trials without a lease; not live ones', async () => {
  const { store, id, trialIds, file } = queued(4);
  const [expiring, retired, live, unleased] = trialIds;
  const retiredHolder = newLeaseHolder();
  store.trials.acquire(expiring!, newLeaseHolder(), 500);
  store.trials.acquire(retired!, retiredHolder, MINUTE);
  store.trials.acquire(live!, newLeaseHolder(), MINUTE);
  store.trials.acquire(unleased!, newLeaseHolder(), MINUTE);
  store.trials.recordEpoch(retired!, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, seconds: 1 });
  const raw = new Database(file); // a running row as written before leases
  raw.prepare(`UPDATE trials SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ?`).run(unleased);
  raw.close();
  assert.equal(store.trials.reclaimLapsed(id), 1, 'only the running trial without a lease');

  await sleep(550);
  retireLeaseHolder(retiredHolder);
  assert.equal(store.trials.reclaimLapsed(id), 2);
  const statuses = store.trials.list(id).map((t) => t.status);
  assert.deepEqual(statuses, ['queued', 'queued', 'running', 'queued']);
  const retaken = store.trials.acquire(retired!, newLeaseHolder(), MINUTE)!;
  assert.equal(retaken.attempts, 2);
  assert.deepEqual(store.trials.epochs(retired!), [], 'the epochs of the earlier attempt are forgotten');
  store.close();
});

test('a lease held from another host is taken back only once it has expired', async () => {
  const { store, id, trialIds: [trialId] } = queued(1);
  store.trials.acquire(trialId!, foreignHolder(), 1000);
  assert.equal(leaseHasLapsed(store.trials.lease(trialId!)), false);
  assert.equal(store.trials.reclaimLapsed(id), 0);
  assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE), null);
  await sleep(1050);
  assert.equal(store.trials.reclaimLapsed(id), 1);
  assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE)!.attempts, 2);
  store.close();
});

/** A child process that opens the database, acquires the trial and renews its lease until it is killed. */
function holderProcess(file: string, trialId: number, ttlMs: number): { child: ChildProcess; held: Promise<string> } {
  const storeModule = new URL('../../src/store/index.js', import.meta.url).href;
  const script = `
    const { Store, newLeaseHolder } = await import(${JSON.stringify(storeModule)});
    const store = Store.open(${JSON.stringify(file)}, { create: false });
    const holder = newLeaseHolder();
    if (!store.trials.acquire(${trialId}, holder, ${ttlMs})) throw new Error('not acquired');
    console.log('held ' + holder.id);
    setInterval(() => store.trials.renew(holder, ${ttlMs}), 200);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => resolve(String(chunk).trim().replace(/^held /, '')));
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before it held the trial`)));
  });
  return { child, held };
}

test('a trial leased by a live process is left alone past its TTL while renewed, and taken back once that process dies', async () => {
  const { store, id, file, trialIds: [trialId] } = queued(1);
  const ttlMs = 1500;
  const { child, held } = holderProcess(file, trialId!, ttlMs);
  try {
    const holderId = await held;
    assert.equal(store.trials.lease(trialId!)!.holder, holderId);
    assert.equal(store.trials.reclaimLapsed(id), 0);
    assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE), null);

    await sleep(ttlMs + 500);
    assert.equal(store.trials.reclaimLapsed(id), 0, 'renewed, so alive past the first expiry');
    assert.equal(store.trials.acquire(trialId!, newLeaseHolder(), MINUTE), null);
    assert.equal(store.trials.lease(trialId!)!.holder, holderId);
    assert.ok(store.trials.lease(trialId!)!.expiresAt > Date.now());

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.ok(store.trials.lease(trialId!)!.expiresAt > Date.now(), 'the lease has not expired');
    assert.equal(store.trials.reclaimLapsed(id), 1, 'its holder is dead: taken back at once');
    const retaken = store.trials.acquire(trialId!, newLeaseHolder(), MINUTE)!;
    assert.deepEqual([retaken.status, retaken.attempts], ['running', 2]);
  } finally {
    child.kill('SIGKILL');
    store.close();
  }
});
