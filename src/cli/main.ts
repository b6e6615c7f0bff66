#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { escapeControls } from '../checks.js';
import { NasError } from '../errors.js';
import { commandsFor } from './commands/index.js';

/**
 * Thin entry point: every command lives in src/cli/commands/. Exit codes: 0 done; 1 an internal error (a bug,
 * with its stack) or a search that ended 'failed'; 2 a bad input (a NasError); 3 the database failed (a
 * DatabaseError: disk full, damaged, I/O error, read-only, locked); 4 nas db check found something to do;
 * 130 / 143 a search stopped by SIGINT / SIGTERM.
 */
export async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('nas')
    .usage('$0 <command> [options]\n\nReinforcement-learning neural architecture search for TensorFlow.js.')
    .strict()
    .demandCommand(1, 'Name a command; see nas --help.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error && !(error instanceof NasError)) throw error;
      throw error ?? new UsageError(message);
    });
  for (const command of await commandsFor(argv)) cli = cli.command(command);
  await cli.help().alias('help', 'h').version().parseAsync();
}

class UsageError extends NasError {}

function reportAndExit(error: unknown): never {
  if (error instanceof NasError) {
    process.stderr.write(`nas: error: ${escapeControls(oneLine(error.message))}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`nas: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

/** yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): keep the one-line promise. */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

// A reader that goes away (`nas ... | head`) ends the command quietly, as it would a Unix tool; whatever a
// search committed stays committed (every write is a synchronous transaction, never cut in half by this).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  reportAndExit(error);
});
main(hideBin(process.argv)).catch(reportAndExit);
