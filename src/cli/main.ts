#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { NasError } from '../errors.js';
import { commandsFor } from './commands/index.js';

/** Thin entry point: every command lives in src/cli/commands/, every user mistake is a NasError (exit 2). */
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
    process.stderr.write(`nas: error: ${oneLine(error.message)}\n`);
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

main(hideBin(process.argv)).catch(reportAndExit);
