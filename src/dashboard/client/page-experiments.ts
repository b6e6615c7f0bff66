/// <reference lib="dom" />
/** Every experiment with its figures; tick two or more to compare them. */
import { dataTable, h, replace, statusBadge } from './dom.js';
import { duration, fixed, percent } from './format.js';
import type { Page } from './page.js';
import type { DataSource } from './source.js';
import type { ExperimentOverview } from './types.js';

export class ExperimentsPage implements Page {
  readonly element: HTMLElement;
  private readonly list = h('div', { class: 'table-wrap' });
  private readonly chosen = new Set<number>();
  private readonly compare: HTMLButtonElement;

  constructor(private readonly source: DataSource) {
    this.compare = h('button', { type: 'button', 'data-control': 'compare', disabled: true, onclick: () => this.openCompare() }, 'Compare the selected');
    this.element = h(
      'div',
      { class: 'page experiments-page' },
      h('h1', {}, 'Experiments'),
      h('section', {}, h('div', { class: 'controls' }, this.compare, h('span', { class: 'caption' }, 'Tick two or more experiments to compare them.')), this.list),
    );
  }

  async refresh(): Promise<void> {
    this.show(await this.source.experiments());
  }

  dispose(): void {}

  private show(experiments: ExperimentOverview[]): void {
    if (experiments.length === 0) {
      replace(this.list, h('p', {}, 'No experiment in this database yet: run nas search.'));
      return;
    }
    const rows = experiments.map((e) => [
      h('input', {
        type: 'checkbox',
        'aria-label': `select ${e.name}`,
        'data-experiment': e.id,
        checked: this.chosen.has(e.id),
        onchange: (event) => this.choose(e.id, (event.target as HTMLInputElement).checked),
      }),
      h('a', { href: `#/experiment/${e.id}`, title: e.message ?? undefined }, e.name),
      e.dataset,
      e.space,
      e.strategy,
      statusBadge(e.status),
      h('span', { 'data-field': 'trials' }, `${e.finished}/${e.trialsTarget ?? '?'}`),
      e.bestTrialId === null ? '-' : h('a', { href: `#/trial/${e.bestTrialId}` }, fixed(e.bestReward)),
      percent(e.bestValAcc),
      percent(e.duplicateRate),
      String(e.failed),
      duration(e.wallSeconds),
    ]);
    const table = dataTable(['', 'name', 'dataset', 'space', 'strategy', 'status', 'trials', 'best reward', 'best val acc', 'duplicates', 'failures', 'wall time'], rows, 'data experiments');
    experiments.forEach((e, i) => (table.tBodies[0]!.rows[i]!.dataset['experiment'] = String(e.id)));
    replace(this.list, table);
  }

  private choose(id: number, on: boolean): void {
    if (on) this.chosen.add(id);
    else this.chosen.delete(id);
    this.compare.disabled = this.chosen.size < 2;
  }

  private openCompare(): void {
    location.hash = `#/compare/${[...this.chosen].sort((a, b) => a - b).join(',')}`;
  }
}
