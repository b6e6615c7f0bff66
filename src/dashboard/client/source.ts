/// <reference lib="dom" />
/** Where the pages get their data: the dashboard's server (live), or the data a report file embeds (static). */
import { queryParams } from './table-query.js';
import type {
  CompareView,
  ControllerPoint,
  CurvesView,
  ExperimentOverview,
  ExperimentView,
  TablePage,
  TableQuery,
  TrialColumns,
  TrialDetail,
} from './types.js';

export type LiveState = 'live' | 'reconnecting' | 'static';

export interface DataSource {
  experiments(): Promise<ExperimentOverview[]>;
  experiment(id: number): Promise<ExperimentView>;
  columns(id: number, fromSeq: number): Promise<TrialColumns>;
  controller(id: number, fromBatch: number): Promise<ControllerPoint[]>;
  table(id: number, query: TableQuery): Promise<TablePage>;
  curves(id: number, top: number, ids: readonly number[], pruned: number): Promise<CurvesView>;
  trial(id: number): Promise<TrialDetail>;
  compare(ids: readonly number[]): Promise<CompareView>;
  /** Calls `onChange` whenever the database changed, `onState` when the connection does. */
  subscribe(onChange: () => void, onState: (state: LiveState) => void): void;
}

/** The dashboard's JSON views over HTTP, and its event stream for live updates. */
export class HttpSource implements DataSource {
  experiments(): Promise<ExperimentOverview[]> {
    return get('/api/experiments');
  }

  experiment(id: number): Promise<ExperimentView> {
    return get(`/api/experiments/${id}`);
  }

  columns(id: number, fromSeq: number): Promise<TrialColumns> {
    return get(`/api/experiments/${id}/columns?fromSeq=${fromSeq}`);
  }

  controller(id: number, fromBatch: number): Promise<ControllerPoint[]> {
    return get(`/api/experiments/${id}/controller?fromBatch=${fromBatch}`);
  }

  table(id: number, query: TableQuery): Promise<TablePage> {
    return get(`/api/experiments/${id}/table?${queryParams(query).toString()}`);
  }

  curves(id: number, top: number, ids: readonly number[], pruned: number): Promise<CurvesView> {
    return get(`/api/experiments/${id}/curves?top=${top}&pruned=${pruned}&ids=${ids.join(',')}`);
  }

  trial(id: number): Promise<TrialDetail> {
    return get(`/api/trials/${id}`);
  }

  compare(ids: readonly number[]): Promise<CompareView> {
    return get(`/api/compare?ids=${ids.join(',')}`);
  }

  subscribe(onChange: () => void, onState: (state: LiveState) => void): void {
    const events = new EventSource('/api/events');
    events.addEventListener('change', () => onChange());
    events.addEventListener('open', () => {
      onState('live');
      // Whatever was committed between the page's first request and the stream's start, or while it was down.
      onChange();
    });
    events.addEventListener('error', () => onState('reconnecting'));
  }
}

/** A view's JSON; its `{error}` as an Error with that message. */
async function get<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = (await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}
