/**
 * Test hook for crash tests: NAS_TEST_KILL_AT=<point>:<n> makes the search SIGKILL itself the n-th time it
 * reaches <point> in this process. Points: queued (a batch was recorded), start (a trial was marked running),
 * epoch (an epoch was recorded, mid-trial), result (a trial result was committed before its batch update),
 * commit (inside the batch-update transaction, before COMMIT), told (after the batch update was committed).
 */
export type KillPoint = 'queued' | 'start' | 'epoch' | 'result' | 'commit' | 'told';

export type KillHook = (point: KillPoint) => void;

export const KILL_ENV = 'NAS_TEST_KILL_AT';

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
