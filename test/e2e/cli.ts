import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { shippedFile } from '../../src/util/paths.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const TINY_SPACE = shippedFile('test', 'fixtures', 'tiny-space.json');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-e2e-'));
}

/**
 * Starts `nas ARGS` (the compiled CLI) in `cwd`, behind `prefix` if given (e.g. ip netns exec NS); `onLine` sees each
 * stdout line as it comes.
 */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; prefix?: string[]; onLine?: (line: string, child: ChildProcess) => void },
): { child: ChildProcess; done: Promise<CliResult> } {
  const env = { ...process.env, ...options.env };
  delete env.NODE_TEST_CONTEXT;
  const [command, ...rest] = [...(options.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(command!, rest, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) options.onLine?.(line, child);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return startCli(args, options).done;
}

/** stderr without tfjs's one-time banner about tfjs-node. */
export function errors(result: CliResult): string {
  return result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^=+$/.test(line) && !line.startsWith('Hi, looks like you are running TensorFlow.js'))
    .join('\n');
}

/** Every file under `dir`, relative, sorted (to show that nothing was written). */
export function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** A refusal as the CLI promises it: exit 2, one line `nas: error: ...` matching `pattern`, no stack, no escapes. */
export function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit code (stdout: ${result.stdout}, stderr: ${result.stderr})`);
  const lines = errors(result).split('\n');
  assert.equal(lines.length, 1, `one line: ${errors(result)}`);
  assert.match(lines[0]!, /^nas: error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(result.stderr, /\u001b/, 'no escape sequence reaches the terminal');
}

/** The rows of `sql` on a results database, read-only. */
export function rows(file: string, sql: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
