/** The read-only views of the results database behind `nas dashboard` and `nas report`. */
export { ResultsReader } from './reader.js';
export type { ControllerPoint, EpochPoint, ExperimentListing, TrialLine } from './types.js';
