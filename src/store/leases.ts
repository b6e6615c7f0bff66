import crypto from 'node:crypto';
import os from 'node:os';

/**
 * Who holds a running trial. The id (`host:pid:random`) is what the trials table stores; the random part
 * makes two holders in one process (two stores, or a search resumed in the process that ran it) distinct.
 */
export interface LeaseHolder {
  id: string;
  host: string;
  pid: number;
}

/** A running trial's lease as stored: its holder's id and its expiry (epoch milliseconds). */
export interface Lease {
  holder: string;
  expiresAt: number;
}

/** The holders of this process that have not been retired: how a lease of this very pid is judged. */
const liveHoldersHere = new Set<string>();

export function newLeaseHolder(): LeaseHolder {
  const host = os.hostname();
  const holder = { id: `${host}:${process.pid}:${crypto.randomBytes(6).toString('hex')}`, host, pid: process.pid };
  liveHoldersHere.add(holder.id);
  return holder;
}

/**
 * Declares a holder of this process dead, as if its process had exited: its leases lapse at once. For a
 * search that stops on an internal error (or a test that simulates a kill in-process) and is resumed by
 * the same process.
 */
export function retireLeaseHolder(holder: LeaseHolder): void {
  liveHoldersHere.delete(holder.id);
}

/**
 * A running trial's lease has lapsed when there is none (a row from before leases), when it has expired,
 * or when its holder is on this host and no longer alive. A holder on another machine is judged by the
 * expiry alone. A recycled pid can keep a dead local holder's lease until it expires; that is only slower.
 */
export function leaseHasLapsed(lease: Lease | null, now = Date.now()): boolean {
  if (!lease) return true;
  if (lease.expiresAt <= now) return true;
  const owner = parseHolderId(lease.holder);
  if (!owner || owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return !liveHoldersHere.has(lease.holder);
  return !processIsAlive(owner.pid);
}

/** The host and pid of a holder id; the host may itself contain ':' (the last two parts are pid and random). */
function parseHolderId(id: string): { host: string; pid: number } | null {
  const parts = id.split(':');
  if (parts.length < 3) return null;
  const pid = Number(parts[parts.length - 2]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { host: parts.slice(0, -2).join(':'), pid };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
