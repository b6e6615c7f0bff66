/**
 * Standard output of the commands that print: when its reader goes away (`nas space sample ... | head -3`),
 * the command stops quietly with exit code 0, as Unix tools do on SIGPIPE (which Node ignores), instead of
 * printing on forever or dying of an unhandled EPIPE.
 */
let readerGone = false;
let watching = false;

function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
}

/** Writes `text` at once (a table, a JSON document); an EPIPE on it ends the command quietly. */
export function writeOut(text: string): void {
  watchStdout();
  if (!readerGone) process.stdout.write(text);
}

/**
 * Writes each line once the one before it is written, and stops when the reader has gone: the lines may be
 * endless, and a write to a closed pipe only reports its error once the event loop runs.
 */
export async function writeLines(lines: Iterable<string>): Promise<void> {
  watchStdout();
  for (const line of lines) {
    if (readerGone || !(await written(line))) return;
  }
}

function written(text: string): Promise<boolean> {
  return new Promise((resolve) => process.stdout.write(text, (error) => resolve(!error)));
}
