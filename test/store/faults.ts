import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Faults for the tests: a garbled page, and a small tmpfs (a disk that fills up, read-only media). Mounting needs root (or
 * CAP_SYS_ADMIN); where it is refused, `tmpfsUnavailable` says why and the tests that need it are skipped
 * with that reason in the report, never silently.
 */
export interface Tmpfs {
  dir: string;
  remountReadOnly(): void;
  unmount(): void;
}

export function mountTmpfs(size: string): Tmpfs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', dir], { stdio: 'pipe' });
  let mounted = true;
  return {
    dir,
    remountReadOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' }),
    unmount: () => {
      if (!mounted) return;
      execFileSync('umount', [dir], { stdio: 'pipe' });
      mounted = false;
      fs.rmdirSync(dir);
    },
  };
}

/** Why no tmpfs can be mounted here, or false when one can. */
export const tmpfsUnavailable: string | false = probe();

function probe(): string | false {
  try {
    mountTmpfs('64k').unmount();
    return false;
  } catch (error) {
    return `cannot mount a tmpfs here (needs root): ${String((error as Error).message).split('\n')[0]}`;
  }
}

/** Writes garbage over the root page of `tree` (a table or an index): the header stays intact, so the file opens. */
export function garbleRootPage(file: string, tree: string): void {
  const db = new Database(file, { readonly: true });
  const { rootpage } = db.prepare(`SELECT rootpage FROM sqlite_master WHERE name = ?`).get(tree) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
}
