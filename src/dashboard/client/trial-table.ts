/// <reference lib="dom" />
/** The trial table: sort by any column, filter by status, search hash or ARCH text, keep the top K, page through. */
import { dataTable, h, replace, statusBadge } from './dom.js';
import { count, duration, fixed, percent } from './format.js';
import { DEFAULT_QUERY } from './table-query.js';
import { STATUSES, type SortKey, type TablePage, type TableQuery } from './types.js';

const COLUMNS: [string, SortKey | null][] = [
  ['#', 'seq'],
  ['status', 'status'],
  ['reward', 'reward'],
  ['val acc', 'valAcc'],
  ['params', 'params'],
  ['MACs', 'macs'],
  ['epochs', 'epochs'],
  ['time', 'seconds'],
  ['hash', null],
  ['ARCH', null],
];

export class TrialTable {
  readonly element: HTMLElement;
  query: TableQuery = { ...DEFAULT_QUERY };
  private readonly body = h('div', { class: 'table-wrap' });
  private readonly summary = h('span', { class: 'table-summary' });
  private total = 0;
  private searchTimer: number | undefined;

  /** `onChange`: the query changed (fetch the page); `onSelect`: a row was clicked (show its curve). */
  constructor(
    private readonly onChange: () => void,
    private readonly onSelect: (trialId: number) => void,
    private readonly selected: () => ReadonlySet<number>,
  ) {
    const status = h(
      'select',
      { 'aria-label': 'status', 'data-control': 'status', onchange: (e) => this.set({ status: (e.target as HTMLSelectElement).value as TableQuery['status'] }) },
      h('option', { value: 'all' }, 'all statuses'),
      ...STATUSES.map((s) => h('option', { value: s }, s)),
    );
    const search = h('input', {
      type: 'search',
      placeholder: 'search hash or ARCH (C64k3, #12)',
      'aria-label': 'search',
      'data-control': 'search',
      oninput: (e) => {
        window.clearTimeout(this.searchTimer);
        const q = (e.target as HTMLInputElement).value;
        this.searchTimer = window.setTimeout(() => this.set({ q }), 200);
      },
    });
    const top = h('input', {
      type: 'number',
      min: 0,
      value: 0,
      'aria-label': 'top K',
      'data-control': 'top',
      title: 'keep only the K best trials by reward (0: all)',
      onchange: (e) => this.set({ top: Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value) || 0)) }),
    });
    const pager = h(
      'span',
      { class: 'pager' },
      h('button', { type: 'button', 'data-control': 'previous', onclick: () => this.page(-1) }, '◀ previous'),
      h('button', { type: 'button', 'data-control': 'next', onclick: () => this.page(1) }, 'next ▶'),
    );
    this.element = h('div', { class: 'trial-table' }, h('div', { class: 'controls' }, status, search, h('label', {}, 'top K ', top), pager, this.summary), this.body);
  }

  show(page: TablePage): void {
    this.total = page.total;
    this.query.offset = page.offset;
    const last = Math.min(page.total, page.offset + page.rows.length);
    replace(this.summary, page.total === 0 ? 'no trial matches' : `trials ${page.offset + 1}-${last} of ${page.total}`);
    const table = dataTable(
      [],
      page.rows.map((row) => [
        h('a', { href: `#/trial/${row.id}` }, String(row.seq)),
        statusBadge(row.status),
        fixed(row.reward),
        percent(row.valAcc),
        count(row.params),
        count(row.macs),
        row.epochs === null ? '-' : String(row.epochs),
        duration(row.seconds),
        h('code', {}, row.hash.slice(0, 10)),
        h('span', { class: 'arch' }, row.arch),
      ]),
      'data trials',
    );
    const header = table.tHead!.rows[0]!;
    for (const [title, key] of COLUMNS) header.appendChild(this.heading(title, key));
    const chosen = this.selected();
    page.rows.forEach((row, i) => {
      const tr = table.tBodies[0]!.rows[i]!;
      tr.dataset['trial'] = String(row.id);
      if (chosen.has(row.id)) tr.classList.add('selected');
      tr.addEventListener('click', (event) => {
        if ((event.target as HTMLElement).closest('a')) return;
        this.onSelect(row.id);
      });
    });
    replace(this.body, table);
  }

  private heading(title: string, key: SortKey | null): HTMLElement {
    if (!key) return h('th', {}, title);
    const arrow = this.query.sort === key ? (this.query.dir === 'asc' ? ' ▲' : ' ▼') : '';
    const next = (): Partial<TableQuery> =>
      this.query.sort === key ? { dir: this.query.dir === 'asc' ? 'desc' : 'asc' } : { sort: key, dir: key === 'seq' || key === 'status' ? 'asc' : 'desc' };
    return h('th', { class: 'sortable', 'data-sort': key, onclick: () => this.set(next()) }, title + arrow);
  }

  private set(change: Partial<TableQuery>): void {
    this.query = { ...this.query, ...change, offset: 'offset' in change ? change.offset! : 0 };
    this.onChange();
  }

  private page(direction: number): void {
    const offset = this.query.offset + direction * this.query.limit;
    if (offset < 0 || offset >= this.total) return;
    this.set({ offset });
  }
}
