import type { Argv, CommandModule } from 'yargs';
import { declareSearchOptions, searchInputFromArgs, type SearchCommandArgs } from '../../app/options/index.js';
import { search, type SearchInput, type SearchRunEvent } from '../../api/search.js';
import type { RunArgs } from '../../app/options/index.js';
import { progressRenderer, type ProgressMode } from '../progress/search-progress.js';

/** Every option comes from the search-option table (src/app/options/table.ts). */
function builder(yargs: Argv): Argv<SearchCommandArgs> {
  return declareSearchOptions(yargs)
    .example('$0 search --dataset fashion-mnist --trials 20 --epochs 1 --train-limit 5000', 'A quick search')
    .example('$0 search --resume --name my-search', 'Continue an interrupted search')
    .epilogue(
      'Every trial is committed to the database as it finishes. Ctrl-C stops cleanly (running trials are re-queued); ' +
        'after a crash, the same command (or --resume) continues with the same architectures an uninterrupted run would have produced.',
    );
}

export const searchCommand: CommandModule<object, SearchCommandArgs> = {
  command: 'search',
  describe: 'Search architectures: a controller proposes, workers train, every trial is logged to SQLite',
  builder,
  handler: async (args) => {
    const { options, run } = searchInputFromArgs(args);
    const { json, quiet, ...runOptions } = run;
    const mode: ProgressMode = json ? 'json' : quiet ? 'quiet' : process.stdout.isTTY ? 'tty' : 'plain';
    const interrupt = new AbortController();
    const exitCodeOf = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stoppedBy !== undefined) process.exit(exitCodeOf(signal));
      stoppedBy = signal;
      process.stderr.write(`\nnas: ${signal}: stopping after committing what is done (press Ctrl-C again to quit at once)\n`);
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const render = progressRenderer(mode);
      const summary = await search({
        ...options,
        ...apiRunOptions(runOptions),
        signal: interrupt.signal,
        onEvent: (event) => {
          if (event.type !== 'preflight') render(event);
          else if (mode !== 'quiet') printPreflight(event, mode);
        },
      });
      if (summary.status === 'failed') process.exitCode = 1;
      else if (summary.status === 'stopped' && stoppedBy !== undefined) process.exitCode = exitCodeOf(stoppedBy);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

function printPreflight({ backend, dataset }: Extract<SearchRunEvent, { type: 'preflight' }>, mode: ProgressMode): void {
  if (dataset) process.stdout.write(mode === 'json' ? `${JSON.stringify({ type: 'dataset', summary: dataset })}\n` : `data: ${dataset}\n`);
  if (backend) process.stdout.write(mode === 'json' ? `${JSON.stringify({ type: 'backend', ...backend })}\n` : `backend: ${backend.text}\n`);
}

/** The command line's run options by the API's names. */
function apiRunOptions({ dbFile, ...run }: Omit<RunArgs, 'json' | 'quiet'>): Partial<SearchInput> {
  return { db: dbFile, ...run };
}
