/**
 * The public surface of the `nas` package: what `import { ... } from 'nas'` gives. Everything else under dist/
 * is internal and may change in any release; see the README's "Library API" for what is stable.
 */
export { search, type SearchInput, type SearchRun, type SearchRunEvent } from './api/search.js';
export { replay, type ReplayInput, type ReplayPlan, type ReplayResult } from './api/replay.js';
export type { TrainingSettings } from './api/training-settings.js';
export { openResults, type Results } from './api/results.js';
export { loadArch } from './api/arch.js';
export type { ArrayData } from './data/custom/arrays.js';
export { describeArch, archHash, archJson } from './space/index.js';
export type { Arch, Layer } from './space/types.js';
export type { SearchEvent, SearchSummary, SearchProgress, StopReason } from './search/index.js';
export type { EpochRecord, ExperimentRecord, ExperimentSummary, ReplayRecord, TrialRecord, TrialStatus } from './store/index.js';
export type { EpochMetrics, BatchProgress, TrainResult } from './trainer/types.js';
export { NasError, ArchError, SpaceError, DataError, ConfigError, StoreError, DatabaseError, BackendError, TrainingError } from './errors.js';
