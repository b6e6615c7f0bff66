/** The public surface of src/space: ARCH parsing, validation, costs, hashing and search spaces. No tfjs. */
export * from './types.js';
export { parseArch, loadArchFile } from './parse.js';
export { inferCost, validateArch } from './cost.js';
export { canonicalArch, archHash } from './canonical.js';
export { describeArch, archJson } from './describe.js';
export { describeCandidate, candidateCost } from './candidate.js';
export { loadSpace, bindSpace, listShippedSpaces, checkSpace, defaultMaxMacs } from './spaces.js';
export { parseShape } from './shape.js';
export { sampleDecisions } from './sample.js';
