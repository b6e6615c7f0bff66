/// <reference lib="dom" />
/** The data source of a report file: every view computed when the report was written, embedded in the page. */
import type { DataSource, LiveState } from './source.js';
import { runQuery } from './table-query.js';
import type {
  CompareView,
  ControllerPoint,
  Curve,
  CurvesView,
  ExperimentOverview,
  ExperimentView,
  TablePage,
  TableQuery,
  TableRow,
  TrialColumns,
  TrialDetail,
} from './types.js';

export interface ReportExperiment {
  view: ExperimentView;
  columns: TrialColumns;
  controller: ControllerPoint[];
  rows: TableRow[];
  curves: Curve[];
}

/** What `nas report` embeds. */
export interface ReportData {
  file: string;
  generatedAt: string;
  experiments: ExperimentOverview[];
  views: Record<string, ReportExperiment>;
  /** The trial pages it holds: the best trials of each experiment and the replayed ones. */
  trials: Record<string, TrialDetail>;
  compare: CompareView;
}

export class EmbeddedSource implements DataSource {
  constructor(private readonly data: ReportData) {}

  async experiments(): Promise<ExperimentOverview[]> {
    return this.data.experiments;
  }

  async experiment(id: number): Promise<ExperimentView> {
    return this.of(id).view;
  }

  async columns(id: number, fromSeq: number): Promise<TrialColumns> {
    const columns = this.of(id).columns;
    if (fromSeq <= (columns.seq[0] ?? 0)) return columns;
    const start = columns.seq.findIndex((seq) => seq >= fromSeq);
    const cut = <T>(values: T[]): T[] => (start < 0 ? [] : values.slice(start));
    return {
      fromSeq,
      id: cut(columns.id),
      seq: cut(columns.seq),
      status: cut(columns.status),
      reward: cut(columns.reward),
      valAcc: cut(columns.valAcc),
      params: cut(columns.params),
      macs: cut(columns.macs),
      epochs: cut(columns.epochs),
      elapsed: cut(columns.elapsed),
    };
  }

  async controller(id: number, fromBatch: number): Promise<ControllerPoint[]> {
    return this.of(id).controller.filter((point) => point.batch >= fromBatch);
  }

  async table(id: number, query: TableQuery): Promise<TablePage> {
    return runQuery(this.of(id).rows, query);
  }

  async curves(id: number, top: number, ids: readonly number[], pruned: number): Promise<CurvesView> {
    const all = this.of(id).curves;
    const best = all.filter((curve) => curve.role === 'top').slice(0, top);
    const picked = all.filter((curve) => ids.includes(curve.trialId)).map((curve) => ({ ...curve, role: curve.role === 'top' ? curve.role : ('picked' as const) }));
    const lastPruned = pruned > 0 ? all.filter((curve) => curve.role === 'pruned').slice(-pruned) : [];
    const shown = new Map<number, Curve>();
    for (const curve of [...best, ...picked, ...lastPruned]) if (!shown.has(curve.trialId)) shown.set(curve.trialId, curve);
    return { curves: [...shown.values()] };
  }

  async trial(id: number): Promise<TrialDetail> {
    const trial = this.data.trials[String(id)];
    if (!trial) throw new Error(`this report holds the pages of the best and the replayed trials only, not of trial ${id}: open it in nas dashboard`);
    return trial;
  }

  async compare(ids: readonly number[]): Promise<CompareView> {
    return { experiments: this.data.compare.experiments.filter((series) => ids.includes(series.id)) };
  }

  subscribe(_onChange: () => void, onState: (state: LiveState) => void): void {
    onState('static');
  }

  private of(id: number): ReportExperiment {
    const experiment = this.data.views[String(id)];
    if (!experiment) throw new Error(`this report does not hold experiment ${id}`);
    return experiment;
  }
}
