/** What failed trials earn, and when failing trials stop the search. */
export interface FailurePolicy {
  /** The reward of a failed trial. */
  readonly reward: number;
  /** Called with every finished trial in the order they finish; a message means: stop the search. */
  observe(result: { status: string; error?: string | null }): string | null;
}

/** Stops after `max` failures in a row (a broken set-up fails every trial; a bad ARCH fails alone). */
export function consecutiveFailures(max: number, reward: number, experiment: string): FailurePolicy {
  let streak = 0;
  return {
    reward,
    observe(result) {
      if (result.status !== 'failed') {
        streak = 0;
        return null;
      }
      streak += 1;
      if (streak < max) return null;
      return (
        `${streak} consecutive trials failed; the last one: ${result.error}. ` +
        `Fix the cause (see 'nas trials --experiment ${experiment}'), then resume.`
      );
    },
  };
}
