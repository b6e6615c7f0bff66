import { DatabaseError } from '../errors.js';
import { ResultsReader, type ControllerPoint, type ExperimentListing } from '../store/index.js';
import { bestSoFar } from './client/series.js';
import { runQuery } from './client/table-query.js';
import type { CompareSeries, CompareView, Curve, CurvesView, ExperimentOverview, ExperimentView, TablePage, TableQuery, TableRow, TrialColumns, TrialDetail } from './client/types.js';
import { NotFoundError } from './errors.js';
import { TrialCache, type TrialCounts } from './trial-cache.js';
import { trialDetail } from './trial-detail.js';

/** At most this many learning curves in one answer (top trials, picked ones and pruned ones, each). */
export const MAX_CURVES = 50;

/**
 * The dashboard's data: the JSON views, over one read-only connection (ResultsReader) and a cache of each
 * experiment's trials that a change of the database's data_version refreshes incrementally. A failure of the
 * file (a DatabaseError) drops the connection, so the next request opens the file again.
 */
export class DashboardData {
  private reader: ResultsReader | null;
  private readonly caches = new Map<number, TrialCache>();

  private constructor(
    readonly file: string,
    reader: ResultsReader,
  ) {
    this.reader = reader;
  }

  /** Opens the database now: a missing, foreign or newer file is a StoreError here, before anything is served. */
  static open(file: string): DashboardData {
    return new DashboardData(file, ResultsReader.open(file));
  }

  /** The database's change counter (PRAGMA data_version). */
  version(): number {
    return this.use((reader) => reader.dataVersion());
  }

  /** Every experiment (or those with the given ids) with its trials' figures, from the caches: no scan of the trials table. */
  experiments(ids?: readonly number[]): ExperimentOverview[] {
    return this.use((reader) => reader.experiments(ids).map((listing) => overview(listing, this.cacheOf(reader, listing.id, listing).counts())));
  }

  experiment(id: number): ExperimentView {
    return this.use((reader) => {
      const listing = reader.experiments([id])[0];
      if (!listing) throw new NotFoundError(`no experiment ${id} in this database`);
      return { overview: overview(listing, this.cacheOf(reader, listing.id, listing).counts()), config: listing.config };
    });
  }

  columns(id: number, fromSeq: number): TrialColumns {
    return this.cache(id).columns(fromSeq);
  }

  controller(id: number, fromBatch: number): ControllerPoint[] {
    this.cache(id); // a NotFoundError for an unknown experiment
    return this.use((reader) => reader.controllerPoints(id, fromBatch));
  }

  table(id: number, query: TableQuery): TablePage {
    const cache = this.cache(id);
    return this.use((reader) => {
      // A text search reads every ARCH summary (made once); otherwise only the page's rows need theirs.
      if (query.q.trim() !== '' && !query.q.trim().startsWith('#')) cache.summarized(reader);
      const page = runQuery(cache.rows, query);
      cache.summarized(reader, page.rows);
      return page;
    });
  }

  /** Every row of the trial table (the report embeds them). */
  tableRows(id: number): readonly TableRow[] {
    const cache = this.cache(id);
    return this.use((reader) => cache.summarized(reader));
  }

  /** The curves of the `top` best trials, of the trials `ids` (of this experiment), and of the `pruned` latest pruned ones. */
  curves(id: number, top: number, ids: readonly number[], pruned = 0): CurvesView {
    const cache = this.cache(id);
    const best = cache.top(Math.min(top, MAX_CURVES));
    const wanted = new Set(ids.slice(0, MAX_CURVES));
    const lastPruned = pruned > 0 ? cache.rows.filter((row) => row.status === 'pruned').slice(-Math.min(pruned, MAX_CURVES)) : [];
    // A trial shown for several reasons is shown once, for the first: top, then picked, then pruned.
    const roles = new Map<number, { row: TableRow; role: Curve['role'] }>();
    for (const row of best) roles.set(row.id, { row, role: 'top' });
    for (const row of cache.rows) if (wanted.has(row.id) && !roles.has(row.id)) roles.set(row.id, { row, role: 'picked' });
    for (const row of lastPruned) if (!roles.has(row.id)) roles.set(row.id, { row, role: 'pruned' });
    const points = this.use((reader) => reader.epochPoints([...roles.keys()]));
    const curves = new Map<number, Curve>(
      [...roles.values()].map(({ row, role }) => [row.id, { trialId: row.id, seq: row.seq, status: row.status, role, epoch: [], valAcc: [], valLoss: [] }]),
    );
    for (const point of points) {
      const curve = curves.get(point.trialId)!;
      curve.epoch.push(point.epoch);
      curve.valAcc.push(point.valAcc);
      curve.valLoss.push(point.valLoss);
    }
    return { curves: [...curves.values()] };
  }

  trial(id: number): TrialDetail {
    return this.use((reader) => trialDetail(reader, id, this.file));
  }

  /** The best-so-far series of several experiments, by trial and by time. */
  compare(ids: readonly number[]): CompareView {
    const overviews = this.experiments(ids);
    return { experiments: overviews.map((overview) => this.compareSeries(overview)) };
  }

  /** The ids of the K best trials of an experiment. */
  topTrialIds(id: number, count: number): number[] {
    return this.cache(id).top(count).map((row) => row.id);
  }

  replayedTrialIds(experimentIds: readonly number[]): number[] {
    return this.use((reader) => reader.replayedTrialIds(experimentIds));
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }

  private compareSeries(overview: ExperimentOverview): CompareSeries {
    const cache = this.cache(overview.id);
    const trained = (row: TableRow): boolean => row.status === 'completed' || row.status === 'pruned';
    const best = bestSoFar(cache.rows.map((row) => (trained(row) ? row.reward : null)));
    const ended = cache.finishTimes().sort((a, b) => a.elapsed - b.elapsed);
    const time: number[] = [];
    const bestAtTime: number[] = [];
    let current: number | null = null;
    for (const { row, elapsed } of ended) {
      if (trained(row) && row.reward !== null && (current === null || row.reward > current)) current = row.reward;
      if (current === null) continue;
      time.push(Math.round(elapsed * 1000) / 1000);
      bestAtTime.push(current);
    }
    return { id: overview.id, name: overview.name, strategy: overview.strategy, best, time, bestAtTime };
  }

  /** The experiment's trial cache, brought up to date with the database. */
  private cache(id: number): TrialCache {
    return this.use((reader) => this.cacheOf(reader, id));
  }

  private cacheOf(reader: ResultsReader, id: number, listing?: ExperimentListing): TrialCache {
    let cache = this.caches.get(id);
    if (!cache) {
      const found = listing ?? reader.experiments([id])[0];
      if (!found) throw new NotFoundError(`no experiment ${id} in this database`);
      cache = new TrialCache(id, Date.parse(found.createdAt));
      this.caches.set(id, cache);
    }
    cache.refresh(reader, reader.dataVersion());
    return cache;
  }

  /** Runs `work` on the connection, opening it when an earlier failure dropped it. */
  private use<T>(work: (reader: ResultsReader) => T): T {
    if (!this.reader || !this.reader.open) {
      this.caches.clear();
      this.reader = ResultsReader.open(this.file);
    }
    try {
      return work(this.reader);
    } catch (error) {
      if (error instanceof DatabaseError) this.close();
      throw error;
    }
  }
}

function overview(e: ExperimentListing, counts: TrialCounts): ExperimentOverview {
  const n = counts.byStatus;
  const finished = n.completed + n.failed + n.pruned + n.duplicate;
  const target = e.config['trials'];
  return {
    id: e.id,
    name: e.name,
    dataset: e.dataset,
    space: e.space,
    strategy: e.strategy,
    seed: e.seed,
    status: e.status,
    message: e.message,
    wallSeconds: e.wallSeconds,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    finishedAt: e.finishedAt,
    backend: e.backend,
    trialsTarget: typeof target === 'number' ? target : null,
    trials: counts.trials,
    finished,
    completed: n.completed,
    pruned: n.pruned,
    failed: n.failed,
    duplicates: n.duplicate,
    running: n.running,
    queued: n.queued,
    bestReward: counts.best?.reward ?? null,
    bestValAcc: counts.best?.valAcc ?? null,
    bestTrialId: counts.best?.id ?? null,
    duplicateRate: finished > 0 ? n.duplicate / finished : null,
  };
}
