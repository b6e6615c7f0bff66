import { ConfigError, StoreError } from '../errors.js';
import type { ExperimentRecord, Store } from '../store/index.js';
import { configDifferences, CONFIG_VERSION, type SearchConfig } from './options/index.js';

export function defaultExperimentName(config: Pick<SearchConfig, 'dataset' | 'spaceDefinition' | 'strategy' | 'seed'>): string {
  return `${config.dataset}-${config.spaceDefinition.name}-${config.strategy}-seed${config.seed}`;
}

export function resumeCommand(name: string, dbFile: string): string {
  const db = dbFile === 'results.db' ? '' : ` --db ${shellQuote(dbFile)}`;
  return `nas search --resume --name ${shellQuote(name)}${db}`;
}

function shellQuote(text: string): string {
  return /^[\w./:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Creates, continues or resumes the experiment; a name reused with other settings is an error, not a silent merge. */
export function openExperiment(
  store: Store,
  request: { name?: string; dbFile: string },
  given: SearchConfig | undefined,
  resolveStored: (stored: SearchConfig) => SearchConfig,
): { experiment: ExperimentRecord; config: SearchConfig } {
  if (!given) {
    const existing = request.name ? store.experiments.byName(request.name) : store.experiments.latest();
    if (!existing) {
      throw new StoreError(
        request.name ? `no experiment named '${request.name}' in ${store.file} (see nas experiments)` : `no experiment to resume in ${store.file}`,
      );
    }
    const stored = storedConfig(existing);
    const config = resolveStored(stored);
    refuseChanges(existing.name, stored, config, 'cannot be changed on resume');
    keepChangedSettings(store, existing, stored, config);
    return { experiment: existing, config };
  }
  const name = request.name ?? defaultExperimentName(given);
  const existing = store.experiments.byName(name);
  if (!existing) {
    const experiment = store.experiments.create({
      name,
      dataset: given.dataset,
      space: given.spaceDefinition.name,
      strategy: given.strategy,
      seed: given.seed,
      config: { ...given },
      configVersion: CONFIG_VERSION,
    });
    return { experiment, config: given };
  }
  const stored = storedConfig(existing);
  refuseChanges(name, stored, given, `differ from those it was started with; choose another --name, or continue it with ${resumeCommand(name, request.dbFile)}`);
  keepChangedSettings(store, existing, stored, given);
  return { experiment: existing, config: given };
}

/** The experiment's stored config; one from a newer nas is refused rather than misread. */
function storedConfig(experiment: ExperimentRecord): SearchConfig {
  if (experiment.configVersion > CONFIG_VERSION) {
    throw new StoreError(`experiment '${experiment.name}' was written by a newer nas (config version ${experiment.configVersion}, this one knows ${CONFIG_VERSION}); upgrade nas`);
  }
  return experiment.config as unknown as SearchConfig;
}

/** Stores the settings a run may change (e.g. --trials); the others were refused if they differed. */
function keepChangedSettings(store: Store, experiment: ExperimentRecord, stored: SearchConfig, config: SearchConfig): void {
  if (JSON.stringify(stored) !== JSON.stringify(config)) store.experiments.updateConfig(experiment.id, { ...config });
}

function refuseChanges(name: string, stored: SearchConfig, config: SearchConfig, why: string): void {
  const differences = configDifferences(stored, config);
  if (differences.length > 0) throw new ConfigError(`experiment '${name}': settings ${differences.join('; ')} ${why}`);
}
