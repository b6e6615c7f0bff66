/**
 * `search()`: the library's search, and the one `nas search` runs. It takes the search options by their table
 * keys (src/app/options/table.ts: trials, epochs, space, strategy, seed, ...), the run's own settings, and a
 * dataset given by name, by path, or as arrays in memory; it reports progress through `onEvent` and an async
 * iterator, and resolves with the experiment's summary.
 */
import { isArrayData, storeArrayData, type ArrayData } from '../data/custom/arrays.js';
import { ConfigError } from '../errors.js';
import { SEARCH_OPTIONS, type SearchOptions } from '../app/options/index.js';
import type { PreflightReport } from '../app/search-session.js';
import type { SearchEvent, SearchSummary } from '../search/index.js';
import { DEFAULT_DB_FILE } from '../store/index.js';
import { EventChannel } from './event-channel.js';

/** Every event of a search: the preflight's report (before anything is written), then the search loop's. */
export type SearchRunEvent = ({ type: 'preflight' } & PreflightReport) | SearchEvent;

export interface SearchInput extends Omit<SearchOptions, 'dataset' | 'dataDir'> {
  /** A shipped dataset's name, the path of an image folder, .npz or .csv, or arrays in memory (required unless resuming). */
  dataset?: string | ArrayData;
  /** Where datasets are downloaded and decoded (and arrays in memory written as .npz). */
  dataDir?: string;
  /** Results database (default: results.db in the working folder). */
  db?: string;
  /** Experiment name (default: DATASET-SPACE-STRATEGY-seedSEED, so that running the same search again resumes it). */
  name?: string;
  /** Continue the named (default: the latest) experiment with its stored settings. */
  resume?: boolean;
  /** Trials trained at once (default 1; at most one per core). */
  concurrency?: number;
  /** wasm threads per worker (default: the cores shared out between the workers). */
  threads?: number;
  /** GPU numbers, one worker each (with @tensorflow/tfjs-node-gpu). */
  gpus?: string[];
  /** Stop launching trials after this many seconds; the running ones finish. */
  timeLimitSeconds?: number;
  /** Send the trials to `nas worker`s through this Redis queue (redis:// or rediss:// URL). */
  queue?: string;
  /** Aborting it stops the search as Ctrl-C does: what is done is committed, running trials are re-queued. */
  signal?: AbortSignal;
  onEvent?: (event: SearchRunEvent) => void;
}

/** A search under way: a promise of its summary that can also be iterated for its events (from then on) and stopped. */
export interface SearchRun extends Promise<SearchSummary>, AsyncIterable<SearchRunEvent> {
  /** Stops after committing what is done (running trials are re-queued); the summary then says 'stopped'. */
  stop(): void;
}

const RUN_KEYS = ['db', 'name', 'resume', 'concurrency', 'threads', 'gpus', 'timeLimitSeconds', 'queue', 'signal', 'onEvent', 'dataset', 'dataDir'] as const;
const STORED_KEYS = SEARCH_OPTIONS.filter((spec) => spec.scope !== 'run').map((spec) => spec.key as string);
const KNOWN_KEYS = new Set<string>([...RUN_KEYS, ...STORED_KEYS]);

/** Starts a search. Bad options reject the summary with a ConfigError (or DataError, ...) before anything is written. */
export function search(input: SearchInput): SearchRun {
  const stopping = new AbortController();
  const channel = new EventChannel<SearchRunEvent>();
  const emit = (event: SearchRunEvent): void => {
    input.onEvent?.(event);
    channel.push(event);
  };
  const summary = Promise.resolve()
    .then(() => runSearch(input, stopping.signal, emit))
    .then(
      (result) => (channel.close(), result),
      (error: unknown) => {
        channel.fail(error);
        throw error;
      },
    );
  // Whoever only iterates still sees the error; an unawaited summary must not also be an unhandled rejection.
  summary.catch(() => undefined);
  return Object.assign(summary, { stop: () => stopping.abort(), [Symbol.asyncIterator]: () => channel.iterator() });
}

async function runSearch(input: SearchInput, stop: AbortSignal, emit: (event: SearchRunEvent) => void): Promise<SearchSummary> {
  checkKeys(input);
  const { db, name, resume, concurrency, threads, gpus, timeLimitSeconds, queue, signal, onEvent: _onEvent, dataset, ...stored } = input;
  if (signal) stop = AbortSignal.any([stop, signal]);
  const options: SearchOptions = { ...stored };
  if (dataset !== undefined) options.dataset = isArrayData(dataset) ? await storeArrayData(dataset, input.dataDir) : dataset;
  // Loaded here: the search session brings the trainer and TensorFlow.js with it.
  const { startSearch } = await import('../app/search-session.js');
  return startSearch({
    options,
    name,
    resume: resume ?? false,
    dbFile: db ?? DEFAULT_DB_FILE,
    concurrency,
    threads,
    gpus,
    timeLimitSeconds,
    queue,
    signal: stop,
    onEvent: emit,
    onPreflight: (report) => emit({ type: 'preflight', ...report }),
  });
}

function checkKeys(input: SearchInput): void {
  if (typeof input !== 'object' || input === null) throw new ConfigError('search() takes an object of options');
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.has(key) && (input as Record<string, unknown>)[key] !== undefined);
  if (unknown.length > 0) throw new ConfigError(`search(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `'${key}'`).join(', ')}`);
}
