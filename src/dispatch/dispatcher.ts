/**
 * The queue evaluator (orchestrator side): each evaluation becomes a BullMQ job that a `nas worker` trains, and
 * its epochs, verdicts and result travel through Redis (keys.ts). The orchestrator stays the only writer of
 * results.db: this evaluator hands the search one outcome per request, like any evaluator, and the search commits
 * it under the trial's lease. What it promises (README, "Distributed trials"):
 * - a request's job is found again after a restart of the orchestrator (`nas:x:EXP:jobs`), and re-attached to
 *   while it is queued, running or finished, so a trial whose result arrives is not trained again;
 * - a job lost from Redis (restarted without its data) is queued again from the request, which the database
 *   holds; a job the queue gave up on (its workers died too often) fails the trial with the cause;
 * - only the first result of a job counts; later runs' results are logged and ignored.
 */
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EpochVerdict, EvaluationHooks, EvaluationOutcome, EvaluationRequest, Evaluator } from '../evaluation/types.js';
import { connect, describeError, redisOptions } from './connection.js';
import { TrialFollower } from './follower.js';
import { jobIdOf, KEY_TTL_SECONDS, keys, newRunId, PREFIX, QUEUE_NAME } from './keys.js';
import { epochLogOf, isRequeueable, jobResultOf, parseUpMessage, PROTOCOL_VERSION, queueGaveUp, type JobTraining, type TrialJobData } from './protocol.js';
import { StreamReader } from './reader.js';

export interface QueueEvaluatorOptions {
  /** redis:// or rediss:// URL of the queue. */
  url: string;
  /** The experiment's key (experimentKey) and name. */
  experiment: { key: string; name: string };
  training: JobTraining;
  /** How often the awaited jobs are looked up in Redis (finished or lost while a message was missed). */
  pollMs?: number;
  /** Lines worth a user's attention: re-attached jobs, ignored duplicates, Redis lost and back. */
  onNotice?: (message: string) => void;
}

/** Retries of a job whose run threw (Redis trouble on the worker); a trial's own failure is a result, not a throw. */
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
const ALIVE_MS = 15_000;
const DEFAULT_POLL_MS = 1000;
const RECENT_JOBS = 1000;
const SETTLED_TTL_SECONDS = 24 * 3600;

export class QueueDispatcher implements Evaluator {
  private readonly redis: Redis;
  private readonly queue: Queue;
  private readonly reader: StreamReader;
  private readonly followers = new Map<string, TrialFollower>();
  /** Jobs whose result this search took, newest last: a later result for one is a duplicate delivery. */
  private readonly recent = new Set<string>();
  private readonly timers: NodeJS.Timeout[];
  private readonly id = newRunId();
  private readonly exp: string;
  private polling = false;
  private closed = false;
  private troubled = false;

  constructor(private readonly options: QueueEvaluatorOptions) {
    this.exp = options.experiment.key;
    const trouble = (error: unknown): void => this.trouble(error);
    this.redis = connect(options.url, 'nas-orchestrator', trouble);
    this.redis.on('ready', () => this.recovered());
    this.queue = new Queue(QUEUE_NAME, { connection: redisOptions(options.url, 'nas-orchestrator-queue'), prefix: PREFIX });
    this.queue.on('error', trouble);
    this.reader = new StreamReader(connect(options.url, 'nas-orchestrator-stream', trouble), keys.up(this.exp), (text) => this.onMessage(text), trouble);
    this.reader.start();
    const beat = (): void => void this.redis.set(keys.alive(this.exp), this.id, 'PX', ALIVE_MS).catch(trouble);
    beat();
    this.timers = [setInterval(beat, ALIVE_MS / 3), setInterval(() => void this.poll(), options.pollMs ?? DEFAULT_POLL_MS)];
    for (const timer of this.timers) timer.unref();
  }

  async evaluate(request: EvaluationRequest, hooks: EvaluationHooks = {}): Promise<EvaluationOutcome> {
    if (request.candidate.kind !== 'arch') return { status: 'failed', error: 'error: cell architectures cannot be trained by the CNN trainer', worker: null };
    if (hooks.signal?.aborted) return { status: 'failed', error: 'aborted before it was queued', worker: null };
    const follower = new TrialFollower(request, hooks, (job, epoch, verdict, run) => this.sendVerdict(job, epoch, verdict, run));
    const onAbort = (): void => follower.abandon('aborted: the search stopped (its job stays in the queue for a resume)');
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Ctrl-C must not wait on a Redis that is away: an abort settles the follower while its job is still being bound.
      const bound = this.bind(follower);
      bound.catch(() => undefined);
      await Promise.race([bound, follower.outcome.then(() => undefined, () => undefined)]);
      if (!follower.settled) await bound;
      const outcome = await follower.outcome;
      if (!hooks.signal?.aborted) this.markSettled(follower);
      return outcome;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      if (this.followers.get(follower.jobId) === follower) this.followers.delete(follower.jobId);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.reader.stop();
    // Workers waiting on a verdict of this search now wait for a resume (and give their jobs back after a while).
    await Promise.race([this.redis.del(keys.alive(this.exp)).catch(() => 0), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await Promise.race([this.queue.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.redis.disconnect();
  }

  /** Re-attaches to the job an earlier run of this search queued for the trial, or queues the request's own. */
  private async bind(follower: TrialFollower): Promise<void> {
    const { trialId, attempt } = follower.request;
    const own = jobIdOf(this.exp, trialId, attempt);
    // Polls leave the follower alone until its job exists: meanwhile they would find none, and queue it again.
    follower.binding = true;
    try {
      const previous = await this.redis.hget(keys.jobs(this.exp), String(trialId));
      if (previous !== null && previous !== own && (await this.adopt(follower, previous))) return;
      await this.enqueue(follower, own);
    } finally {
      follower.binding = false;
    }
  }

  private async adopt(follower: TrialFollower, jobId: string): Promise<boolean> {
    this.follow(follower, jobId);
    const { job, state } = await this.jobNow(jobId);
    const trial = `trial #${follower.request.seq}`;
    if (job && state === 'completed') {
      const result = jobResultOf(job.returnvalue);
      if (result && !('skipped' in result)) {
        this.notice(`${trial}: job ${jobId} finished while this search was away: its result is used, not trained again`);
        follower.result(result);
        return true;
      }
    } else if (job && state === 'failed') {
      if (!isRequeueable(job.failedReason)) {
        follower.fail(queueGaveUp(job));
        return true;
      }
    } else if (job && state !== 'unknown') {
      const log = epochLogOf(job.progress);
      for (const report of log?.epochs ?? []) follower.epoch(log!.run, report);
      this.notice(`${trial}: re-attached to job ${jobId} (${state})`);
      return true;
    }
    this.followers.delete(jobId);
    return false;
  }

  private async enqueue(follower: TrialFollower, jobId: string): Promise<void> {
    this.follow(follower, jobId);
    const { trialId } = follower.request;
    // The trial's job is recorded before it exists: a crash in between leaves a name that a resume finds missing.
    await this.redis.multi().hset(keys.jobs(this.exp), String(trialId), jobId).expire(keys.jobs(this.exp), KEY_TTL_SECONDS).del(keys.settled(jobId)).exec();
    await this.queue.add('trial', this.jobData(follower.request), { jobId, ...JOB_OPTIONS });
  }

  private follow(follower: TrialFollower, jobId: string): void {
    if (this.followers.get(follower.jobId) === follower) this.followers.delete(follower.jobId);
    follower.jobId = jobId;
    // An evaluation settled already (aborted while its job was being bound) is followed no more.
    if (!follower.settled) this.followers.set(jobId, follower);
  }

  private jobData(request: EvaluationRequest): TrialJobData {
    return {
      v: PROTOCOL_VERSION,
      experiment: this.options.experiment,
      trial: { id: request.trialId, seq: request.seq, attempt: request.attempt },
      arch: request.candidate.arch,
      budget: request.budget,
      seed: request.seed,
      training: this.options.training,
    };
  }

  private onMessage(text: string): void {
    const message = parseUpMessage(text);
    if (message === null) return;
    const follower = this.followers.get(message.job);
    if (follower === undefined || follower.settled) {
      if (message.kind === 'result' && !('skipped' in message.result)) this.ignored(message.job);
      return;
    }
    if (message.kind === 'epoch') follower.epoch(message.run, message.report);
    else if (message.kind === 'progress') follower.progress(message.run, message.report);
    else if (message.kind === 'start') follower.lastRun = message.run;
    else if (!('skipped' in message.result)) follower.result(message.result, () => this.ignored(message.job, true));
  }

  private ignored(jobId: string, duplicate = this.recent.has(jobId)): void {
    this.notice(
      duplicate
        ? `a second result for job ${jobId} (a duplicate delivery): ignored, the first one counts`
        : `a result for job ${jobId}, which this search does not wait for (an earlier attempt, or one from before a restart): ignored`,
    );
  }

  /** Looks up every awaited job: finished or failed while its message was missed, or lost from Redis. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      for (const follower of new Set(this.followers.values())) if (!follower.settled && !follower.binding) await this.check(follower);
    } catch (error) {
      this.trouble(error);
    } finally {
      this.polling = false;
    }
  }

  /**
   * A job's state, then its data. BullMQ writes a job's end (its state with its result or failure reason) in one
   * script, so read in this order a finished state always comes with what it finished with; read the other way
   * round, a job that ends between the two reads looks completed without a result (and was queued again) or
   * failed with no reason.
   */
  private async jobNow(jobId: string): Promise<{ job: Job | undefined; state: string }> {
    const state = await this.queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
    return { job, state: job ? state : 'unknown' };
  }

  private async check(follower: TrialFollower): Promise<void> {
    const jobId = follower.jobId;
    const { job, state } = await this.jobNow(jobId);
    if (follower.settled || follower.jobId !== jobId || this.closed) return;
    if (job && state === 'completed') {
      const result = jobResultOf(job.returnvalue);
      if (result && !('skipped' in result)) follower.result(result);
      else await this.requeue(follower, `job ${jobId} finished without a result this search has`);
    } else if (job && state === 'failed') {
      if (isRequeueable(job.failedReason)) await this.requeue(follower, `job ${jobId} was given up by its worker (${job.failedReason})`);
      else follower.fail(queueGaveUp(job));
    } else if (!job || state === 'unknown') {
      await this.requeue(follower, `job ${jobId} (trial #${follower.request.seq}) is gone from Redis (restarted without its data?)`);
    } else if (follower.heldBack) {
      follower.heldBack = false;
      const log = epochLogOf(job.progress);
      for (const report of log?.epochs ?? []) follower.epoch(log!.run, report);
    }
  }

  /** Queues the request's own job afresh (what the database holds is the source of truth), keeping its verdicts. */
  private async requeue(follower: TrialFollower, why: string): Promise<void> {
    this.notice(`${why}: queued again`);
    await this.queue.remove(follower.jobId).catch(() => 0);
    await this.enqueue(follower, jobIdOf(this.exp, follower.request.trialId, follower.request.attempt));
    follower.resendVerdicts();
  }

  private sendVerdict(job: string, epoch: number, verdict: EpochVerdict, run: string | null): void {
    const write = this.redis.multi().set(keys.verdict(job, epoch), verdict, 'EX', KEY_TTL_SECONDS);
    if (run !== null) write.lpush(keys.wake(run), '1').expire(keys.wake(run), 60);
    write.exec().catch((error: unknown) => this.trouble(error));
  }

  /** Tells the job's other runs (duplicates) to stop: their next verdict wait finds the trial settled. */
  private markSettled(follower: TrialFollower): void {
    const jobId = follower.jobId;
    this.recent.add(jobId);
    if (this.recent.size > RECENT_JOBS) this.recent.delete(this.recent.values().next().value!);
    // Its verdicts are of no more use: a run still going finds the trial settled instead.
    const verdicts = Array.from({ length: follower.epochsRecorded }, (_, i) => keys.verdict(jobId, i + 1));
    const write = this.redis.multi().set(keys.settled(jobId), '1', 'EX', SETTLED_TTL_SECONDS);
    if (verdicts.length > 0) write.del(...verdicts);
    write.exec().catch((error: unknown) => this.trouble(error));
  }

  private trouble(error: unknown): void {
    if (this.closed || this.troubled) return;
    this.troubled = true;
    this.notice(`lost the queue's Redis (${describeError(error)}): reconnecting`);
  }

  private recovered(): void {
    if (!this.troubled || this.closed) return;
    this.troubled = false;
    this.notice('reconnected to the queue');
    void this.poll();
  }

  private notice(message: string): void {
    this.options.onNotice?.(message);
  }
}
