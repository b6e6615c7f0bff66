import type { CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

/**
 * Each command's module, loaded only when needed: some load TensorFlow.js (search's does), which the
 * readers (best, trials, show, experiments, db) must never load. A key is the command's name, the first word of
 * its `command`.
 */
const COMMAND_MODULES = new Map<string, () => Promise<AnyCommand>>([
  ['arch', async () => (await import('./arch.js')).archCommand],
  ['space', async () => (await import('./space.js')).spaceCommand],
  ['datasets', async () => (await import('./datasets.js')).datasetsCommand],
  ['search', async () => (await import('./search.js')).searchCommand],
  ['best', async () => (await import('./best.js')).bestCommand],
  ['replay', async () => (await import('./replay.js')).replayCommand],
  ['train', async () => (await import('./train.js')).trainCommand],
  ['export', async () => (await import('./export.js')).exportCommand],
  ['trials', async () => (await import('./trials.js')).trialsCommand],
  ['show', async () => (await import('./show.js')).showCommand],
  ['experiments', async () => (await import('./experiments.js')).experimentsCommand],
  ['db', async () => (await import('./db.js')).dbCommand],
  ['dashboard', async () => (await import('./dashboard.js')).dashboardCommand],
  ['report', async () => (await import('./report.js')).reportCommand],
  ['worker', async () => (await import('./worker.js')).workerCommand],
  ['workers', async () => (await import('./workers.js')).workersCommand],
]);

/**
 * The commands yargs needs for `argv`. When its first word names a command, yargs can run no other, so only
 * that module is loaded; anything else (--help, a typo, options before the command) gets every command.
 */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const load = COMMAND_MODULES.get(argv[0] ?? '');
  if (load) return [await load()];
  return Promise.all([...COMMAND_MODULES.values()].map((loadOne) => loadOne()));
}
