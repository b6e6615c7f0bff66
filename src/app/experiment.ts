import { resumeCommand } from '../util/shell.js';
import { ConfigError, StoreError } from '../errors.js';
import type { ExperimentRecord, Store } from '../store/index.js';
import path from 'node:path';
import { configDifferences, CONFIG_VERSION, configVersionOf, type SearchConfig } from './options/index.js';

/** DATASET-SPACE-STRATEGY-seedSEED; the user's own data goes by its folder's or file's name (within the name's 100 characters). */
export function defaultExperimentName(config: Pick<SearchConfig, 'dataset' | 'datasetDescriptor' | 'spaceDefinition' | 'strategy' | 'seed'>): string {
  const dataset = config.datasetDescriptor ? path.basename(config.dataset).replace(/\p{C}/gu, '_').trim().slice(0, 40) || 'data' : config.dataset;
  return `${dataset}-${config.spaceDefinition.name}-${config.strategy}-seed${config.seed}`;
}

export { resumeCommand } from '../util/shell.js';

/** Which experiment a search creates, continues or resumes, with the config it runs under. */
export interface ExperimentPlan {
  name: string;
  config: SearchConfig;
  /** The experiment to continue or resume; absent when the search creates it. */
  existing?: ExperimentRecord;
}

/**
 * Plans the experiment without writing: a name reused with other settings is an error, not a silent merge.
 * `store` is absent when the database does not exist yet (a resume then fails).
 */
export function planExperiment(
  store: Store | undefined,
  request: { name?: string; dbFile: string },
  given: SearchConfig | undefined,
  resolveStored: (stored: SearchConfig) => SearchConfig,
): ExperimentPlan {
  if (!given) {
    const existing = request.name ? store?.experiments.byName(request.name) : store?.experiments.latest();
    if (!existing) {
      throw new StoreError(
        request.name ? `no experiment named '${request.name}' in ${request.dbFile} (see nas experiments)` : `no experiment to resume in ${request.dbFile}`,
      );
    }
    const stored = storedConfig(existing);
    const config = resolveStored(stored);
    refuseChanges(existing.name, stored, config, 'cannot be changed on resume');
    return { name: existing.name, config, existing };
  }
  const name = request.name ?? defaultExperimentName(given);
  const existing = store?.experiments.byName(name);
  if (!existing) return { name, config: given };
  refuseChanges(name, storedConfig(existing), given, `differ from those it was started with; choose another --name, or continue it with ${resumeCommand(name, request.dbFile)}`);
  return { name, config: given, existing };
}

/** Writes the plan: creates the experiment, or stores the settings a run may change (e.g. --trials) and its backend. */
export function applyExperiment(store: Store, plan: ExperimentPlan, backend: string | undefined): ExperimentRecord {
  const { config, existing } = plan;
  if (!existing) return createExperiment(store, plan.name, config, backend);
  if (JSON.stringify(storedConfig(existing)) !== JSON.stringify(config)) store.experiments.updateConfig(existing.id, { ...config });
  if (backend !== undefined) store.experiments.setBackend(existing.id, backend);
  return existing;
}

export function createExperiment(store: Store, name: string, config: SearchConfig, backend?: string): ExperimentRecord {
  return store.experiments.create({
    name,
    dataset: config.dataset,
    space: config.spaceDefinition.name,
    strategy: config.strategy,
    seed: config.seed,
    config: { ...config },
    configVersion: configVersionOf(config),
    ...(backend === undefined ? {} : { backend }),
  });
}

/** The experiment's stored config; one from a newer nas is refused rather than misread. */
function storedConfig(experiment: ExperimentRecord): SearchConfig {
  if (experiment.configVersion > CONFIG_VERSION) {
    throw new StoreError(`experiment '${experiment.name}' was written by a newer nas (config version ${experiment.configVersion}, this one knows ${CONFIG_VERSION}); upgrade nas`);
  }
  return experiment.config as unknown as SearchConfig;
}

function refuseChanges(name: string, stored: SearchConfig, config: SearchConfig, why: string): void {
  const differences = configDifferences(stored, config);
  if (differences.length > 0) throw new ConfigError(`experiment '${name}': settings ${differences.join('; ')} ${why}`);
}
