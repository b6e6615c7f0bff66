/// <reference lib="dom" />
/** Several experiments' best reward so far on one plot, by trial and by time (REINFORCE against random on one budget, say). */
import uPlot from 'uplot';
import { Chart, COLORS, lineSeries, WHOLE_TICKS } from './chart.js';
import { dataTable, h, replace, section } from './dom.js';
import { duration, fixed } from './format.js';
import type { Page } from './page.js';
import type { DataSource } from './source.js';
import type { CompareSeries } from './types.js';

export class ComparePage implements Page {
  readonly element: HTMLElement;
  private readonly byTrial = new Chart('compare-trial', 300);
  private readonly byTime = new Chart('compare-time', 300);
  private readonly summary = h('div', { class: 'table-wrap' });

  constructor(
    private readonly source: DataSource,
    private readonly ids: number[],
  ) {
    this.element = h(
      'div',
      { class: 'page compare-page' },
      h('h1', {}, 'Compare experiments'),
      this.summary,
      section('Best reward so far, by trial', this.byTrial.element),
      section('Best reward so far, by time since each experiment began', this.byTime.element),
    );
  }

  async refresh(): Promise<void> {
    const { experiments } = await this.source.compare(this.ids);
    replace(
      this.summary,
      dataTable(
        ['experiment', 'strategy', 'trials', 'best reward', 'time'],
        experiments.map((e) => [
          h('a', { href: `#/experiment/${e.id}` }, e.name),
          e.strategy,
          String(e.best.length),
          fixed(e.best[e.best.length - 1] ?? null),
          duration(e.time[e.time.length - 1] ?? null),
        ]),
      ),
    );
    const series = experiments.map((e, i) => lineSeries(e.name, COLORS[i % COLORS.length]!, { width: 2, paths: uPlot.paths.stepped!({ align: 1 }) }));
    const signature = experiments.map((e) => e.id).join(',');
    const longest = experiments.reduce((most, e) => Math.max(most, e.best.length), 0);
    const trials = Array.from({ length: longest }, (_, i) => i + 1);
    this.byTrial.draw(
      { title: 'Best reward so far', scales: { x: { time: false } }, axes: [{ label: 'trial', incrs: WHOLE_TICKS }, { label: 'best reward' }], series: [{ label: 'trial' }, ...series] },
      [trials, ...experiments.map((e) => trials.map((_, i) => e.best[i] ?? null))] as uPlot.AlignedData,
      signature,
    );
    this.byTime.draw(
      { title: 'Best reward so far', scales: { x: { time: false } }, axes: [{ label: 'seconds since the experiment began' }, { label: 'best reward' }], series: [{ label: 'seconds' }, ...series] },
      joinByTime(experiments),
      signature,
    );
  }

  dispose(): void {
    this.byTrial.dispose();
    this.byTime.dispose();
  }
}

/** One x axis for all: the union of the times, each series null where it has no point (uPlot spans the gaps). */
function joinByTime(experiments: CompareSeries[]): uPlot.AlignedData {
  if (experiments.length === 0) return [[]];
  const tables = experiments.map((e) => {
    const time: number[] = [];
    const best: number[] = [];
    e.time.forEach((t, i) => {
      if (time.length > 0 && time[time.length - 1] === t) best[best.length - 1] = e.bestAtTime[i]!;
      else {
        time.push(t);
        best.push(e.bestAtTime[i]!);
      }
    });
    return [time, best] as uPlot.AlignedData;
  });
  return uPlot.join(tables);
}
