/**
 * Hooks for the tests and crash drills, chosen by environment variables and wired in here, outside the search:
 * - NAS_TEST_EVALUATOR=fake[:MS]: trials are scored by a deterministic fake instead of training (MS per epoch);
 * - NAS_TEST_KILL_AT=POINT[:N]: the search SIGKILLs itself the N-th time it reaches POINT (a KillPoint);
 * - NAS_TEST_BATCH_DELAY_MS=MS (read by the trainer's worker): sleep MS after every training step (slow epochs).
 */
import { createFakeEvaluator } from '../evaluation/fake.js';
import type { Evaluator } from '../evaluation/types.js';
import type { KillHook } from '../search/index.js';
import type { Shape3 } from '../space/types.js';

export const FAKE_EVALUATOR_ENV = 'NAS_TEST_EVALUATOR';
export const KILL_ENV = 'NAS_TEST_KILL_AT';

/** The fake evaluator when $NAS_TEST_EVALUATOR asks for it. */
export function fakeEvaluatorFromEnv(problem: { input: Shape3; classes: number }, env: NodeJS.ProcessEnv = process.env): Evaluator | undefined {
  const spec = env[FAKE_EVALUATOR_ENV];
  return spec ? createFakeEvaluator(problem, Number(spec.split(':')[1] ?? 0)) : undefined;
}

export function killHookFromEnv(env: NodeJS.ProcessEnv = process.env): KillHook | undefined {
  const spec = env[KILL_ENV];
  if (!spec) return undefined;
  const [point, count] = spec.split(':');
  const target = Number(count ?? '1');
  let reached = 0;
  return (at) => {
    if (at !== point) return;
    reached += 1;
    if (reached === target) process.kill(process.pid, 'SIGKILL');
  };
}
