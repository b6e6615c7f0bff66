/**
 * Temporary names carry the writing process's id (`<prefix><pid>...`), so that leftovers of a process killed
 * mid-download or mid-extraction can be told from the work of one still running, and removed.
 */
import fs from 'node:fs';
import path from 'node:path';

export function removeStale(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(pid) && !isRunning(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
