/// <reference lib="dom" />
/** One experiment: its figures, rewards, controller, accuracy against cost, learning curves and trial table, all live. */
import { ColumnStore } from './columns.js';
import { errorBox, facts, h, replace, section, statusBadge } from './dom.js';
import { duration, fixed, percent, time } from './format.js';
import type { Page } from './page.js';
import { ParetoPlot } from './plot-pareto.js';
import { ControllerPlot } from './plot-controller.js';
import { CurvesPlot } from './plot-curves.js';
import { RewardsPlot } from './plot-rewards.js';
import type { DataSource } from './source.js';
import { TrialTable } from './trial-table.js';
import type { ExperimentView } from './types.js';

export class ExperimentPage implements Page {
  readonly element: HTMLElement;
  private readonly store = new ColumnStore();
  private readonly header = h('div', { class: 'header' });
  private readonly rewards: RewardsPlot;
  private readonly controller = new ControllerPlot();
  private readonly controllerSection: HTMLElement;
  private readonly params: ParetoPlot;
  private readonly macs: ParetoPlot;
  private readonly curves = new CurvesPlot('curves');
  private readonly table: TrialTable;
  private readonly picked = new Set<number>();
  private readonly pickedList = h('span', { class: 'picked' });
  private readonly config = h('pre', { class: 'config' });
  private curvesTop = 10;
  private showPruned = true;
  private drawn = false;

  constructor(
    private readonly source: DataSource,
    private readonly id: number,
  ) {
    const pick = (trialId: number): void => this.toggle(trialId);
    this.rewards = new RewardsPlot(pick);
    this.params = new ParetoPlot('params', pick);
    this.macs = new ParetoPlot('macs', pick);
    this.table = new TrialTable(() => void this.refreshTable().catch(() => undefined), pick, () => this.picked);
    this.controllerSection = section('Controller diagnostics', this.controller.element);
    const topInput = h('input', {
      type: 'number', min: 0, max: 50, value: this.curvesTop, 'aria-label': 'curves of the top trials', 'data-control': 'curves-top',
      onchange: (e) => {
        this.curvesTop = Math.min(50, Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value) || 0)));
        this.refreshCurves().catch(() => undefined);
      },
    });
    const prunedBox = h('input', {
      type: 'checkbox', checked: this.showPruned, 'data-control': 'curves-pruned',
      onchange: (e) => {
        this.showPruned = (e.target as HTMLInputElement).checked;
        this.refreshCurves().catch(() => undefined);
      },
    });
    this.element = h(
      'div',
      { class: 'page experiment-page' },
      this.header,
      section('Rewards', h('p', { class: 'caption' }, 'Click a point to add its learning curve below.'), this.rewards.chart.element),
      this.controllerSection,
      section('Accuracy against size', h('div', { class: 'pair' }, this.params.chart.element, this.macs.chart.element)),
      section(
        'Learning curves',
        h('div', { class: 'controls' }, h('label', {}, 'top ', topInput, ' trials'), h('label', {}, prunedBox, ' the 10 latest pruned'), this.pickedList),
        this.curves.element,
      ),
      section('Trials', this.table.element),
      h('details', {}, h('summary', {}, 'Search configuration'), this.config),
    );
  }

  async refresh(): Promise<void> {
    // The first time, everything at once; later, the table and the curves only when this experiment changed.
    const first = this.drawn ? null : Promise.all([this.refreshTable(), this.refreshCurves()]);
    first?.catch(() => undefined); // awaited below; if the requests below fail first, theirs is the error shown
    const [view, columns, controller] = await Promise.all([
      this.source.experiment(this.id),
      this.source.columns(this.id, this.store.nextFromSeq()),
      this.source.controller(this.id, this.controller.nextFromBatch()),
    ]);
    this.showHeader(view);
    // Redraw only what changed: another experiment's writes move the database's counter too.
    const changed = columns.seq.length > 0 || !this.drawn;
    if (changed) {
      this.store.merge(columns);
      this.rewards.update(this.store);
      this.params.update(this.store);
      this.macs.update(this.store);
    }
    if (controller.length > 0 || !this.drawn) this.controller.append(controller);
    this.drawn = true;
    this.controllerSection.hidden = this.controller.count === 0;
    await (first ?? (changed ? Promise.all([this.refreshTable(), this.refreshCurves()]) : null));
  }

  dispose(): void {
    this.rewards.chart.dispose();
    this.params.chart.dispose();
    this.macs.chart.dispose();
    this.curves.dispose();
    this.controller.dispose();
  }

  private toggle(trialId: number): void {
    if (this.picked.has(trialId)) this.picked.delete(trialId);
    else this.picked.add(trialId);
    // A failure here shows at the next refresh, which asks again.
    this.refreshCurves().catch(() => undefined);
    this.refreshTable().catch(() => undefined);
  }

  private async refreshTable(): Promise<void> {
    this.table.show(await this.source.table(this.id, this.table.query));
  }

  private async refreshCurves(): Promise<void> {
    const view = await this.source.curves(this.id, this.curvesTop, [...this.picked], this.showPruned ? 10 : 0);
    this.curves.update(view.curves);
    const picked = view.curves.filter((curve) => this.picked.has(curve.trialId));
    replace(
      this.pickedList,
      picked.length === 0
        ? 'Click a row of the table or a point of a plot to add its curve.'
        : h('span', {}, 'picked: ', ...picked.map((curve) => h('button', { type: 'button', class: 'chip', title: 'remove', onclick: () => this.toggle(curve.trialId) }, `#${curve.seq} ✕`))),
    );
  }

  private showHeader({ overview: e, config }: ExperimentView): void {
    const best = e.bestTrialId === null ? '-' : h('a', { href: `#/trial/${e.bestTrialId}` }, `${fixed(e.bestReward)} (val acc ${percent(e.bestValAcc)})`);
    replace(
      this.header,
      h('h1', {}, e.name, ' ', statusBadge(e.status)),
      e.message ? errorBox(e.message) : null,
      h(
        'div',
        { class: 'header-facts' },
        facts([
          ['dataset', e.dataset],
          ['space', e.space],
          ['strategy', `${e.strategy}, seed ${e.seed}`],
          ['backend', e.backend ?? '-'],
        ]),
        facts([
          ['trials', h('span', { 'data-field': 'trials' }, `${e.finished}/${e.trialsTarget ?? '?'}`)],
          ['best reward', h('span', { 'data-field': 'best' }, best)],
          ['duplicates', `${e.duplicates} (${percent(e.duplicateRate)})`],
          ['pruned / failed', `${e.pruned} / ${e.failed}`],
        ]),
        facts([
          ['wall time', duration(e.wallSeconds)],
          ['created', time(e.createdAt)],
          ['updated', time(e.updatedAt)],
          ['running / queued', `${e.running} / ${e.queued}`],
        ]),
      ),
    );
    replace(this.config, JSON.stringify(config, null, 2));
  }
}
