/** The public surface of src/store: the only module that speaks SQL. */
export * from './types.js';
export { Store, DEFAULT_DB_FILE, type BatchCommit } from './store.js';
export { FINISHED_STATUSES } from './trials.js';
export type { OpenOptions } from './open.js';
export type { ReadOnlyOptions } from './open-read-only.js';
export { newLeaseHolder, retireLeaseHolder, leaseHasLapsed, type Lease, type LeaseHolder } from './leases.js';
export type { EvaluatorCheckpoint } from './checkpoints.js';
export * from './views/index.js';
