/**
 * The public surface of src/dispatch: distributed trials on a BullMQ queue in Redis. The orchestrator side is an
 * Evaluator (the search is unchanged); the worker side is `nas worker`'s engine. This module is light: BullMQ
 * and ioredis are loaded only when a queue is used, so that a search without --queue never pays for them.
 */
import type { EvaluationHooks, EvaluationOutcome, EvaluationRequest, Evaluator } from '../evaluation/types.js';
import type { QueueEvaluatorOptions } from './dispatcher.js';

export { queueUrl, parseQueueUrl, redactedUrl, type QueueAddress } from './url.js';
export { experimentKey, jobIdOf, QUEUE_NAME, PREFIX } from './keys.js';
export type { QueueEvaluatorOptions } from './dispatcher.js';
export type { WorkerOptions, WorkerHandle } from './worker.js';
export type { WorkerRecord, WorkerTrial } from './registry.js';
export type { ValidJob } from './validate.js';
export type { TrialJobData, JobTraining } from './protocol.js';

/** The queue evaluator: connects on its first evaluation (BullMQ loaded then). */
export function createQueueEvaluator(options: QueueEvaluatorOptions): Evaluator {
  let dispatcher: Promise<Evaluator> | undefined;
  const started = (): Promise<Evaluator> => (dispatcher ??= import('./dispatcher.js').then(({ QueueDispatcher }) => new QueueDispatcher(options)));
  return {
    async evaluate(request: EvaluationRequest, hooks?: EvaluationHooks): Promise<EvaluationOutcome> {
      return (await started()).evaluate(request, hooks);
    },
    async close(): Promise<void> {
      if (dispatcher) await (await dispatcher).close();
    },
  };
}

/** Connects once to prove the queue's address and password, before a search writes anything (a QueueError otherwise). */
export async function checkQueue(url: string): Promise<void> {
  const { checkReachable } = await import('./connection.js');
  await checkReachable(url);
}

export async function startWorker(options: import('./worker.js').WorkerOptions): Promise<import('./worker.js').WorkerHandle> {
  const { startWorker: start } = await import('./worker.js');
  return start(options);
}

export async function listWorkers(url: string): Promise<import('./registry.js').WorkerRecord[]> {
  const { listWorkers: list } = await import('./registry.js');
  return list(url);
}
