import type { FailureCause } from '../types.js';

const OOM_PATTERNS = [
  /heap out of memory/i,
  /out of memory/i,
  /\bOOM\b/,
  /Array buffer allocation failed/i,
  /Invalid typed array length/i,
  /Invalid array length/i,
  /Cannot enlarge memory/i,
  /Aborted\(OOM\)/i,
  /Failed to allocate/i,
  /WebAssembly\.Memory.*grow/i,
  /could not allocate memory/i,
];

/** Whether an error message or a dying process's stderr says that memory ran out. */
function mentionsOutOfMemory(text: string): boolean {
  return OOM_PATTERNS.some((pattern) => pattern.test(text));
}

/** The cause of a failed job from the error thrown inside the worker. */
export function causeOfError(message: string): FailureCause {
  return mentionsOutOfMemory(message) ? 'oom' : 'error';
}

/** The cause of a worker's death mid-job from its exit and the end of its stderr. */
export function causeOfExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): { cause: FailureCause; error: string } {
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
  const lines = stderrTail.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const memoryLine = lines.find(mentionsOutOfMemory);
  if (memoryLine !== undefined) return { cause: 'oom', error: `the worker ran out of memory and ${how}: ${memoryLine}` };
  const tail = lines.slice(-3).join(' | ');
  return { cause: 'crash', error: `the worker ${how} during the trial${tail ? `; its last output: ${tail}` : ''}` };
}
