/// <reference lib="dom" />
/** Each trial's reward in sequence order, by status, with the best reward so far. */
import uPlot from 'uplot';
import { Chart, lineSeries, pointSeries, STATUS_COLORS, WHOLE_TICKS } from './chart.js';
import type { ColumnStore } from './columns.js';
import { bestSoFar } from './series.js';

const SHOWN = ['completed', 'pruned', 'failed', 'duplicate'] as const;

export class RewardsPlot {
  readonly chart: Chart;
  private ids: number[] = [];

  constructor(onPick: (trialId: number) => void) {
    this.chart = new Chart('rewards', 280, (index) => {
      const id = this.ids[index];
      if (id !== undefined) onPick(id);
    });
  }

  update(store: ColumnStore): void {
    const { seq, reward, id } = store.data;
    this.ids = id;
    const n = seq.length;
    const byStatus = SHOWN.map((status) => {
      const values = new Array<number | null>(n);
      for (let i = 0; i < n; i++) values[i] = store.status(i) === status ? reward[i]! : null;
      return values;
    });
    const best = bestSoFar(reward, (i) => store.trained(i));
    const data = [seq, ...byStatus, best] as uPlot.AlignedData;
    const options = {
      title: 'Reward per trial',
      scales: { x: { time: false } },
      axes: [{ label: 'trial (sequence number)', incrs: WHOLE_TICKS }, { label: 'reward' }],
      series: [
        { label: 'trial' },
        ...SHOWN.map((status) => pointSeries(status, STATUS_COLORS[status]!)),
        lineSeries('best so far', STATUS_COLORS['best']!, { width: 2, paths: uPlot.paths.stepped!({ align: 1 }) }),
      ],
    } satisfies Omit<uPlot.Options, 'width' | 'height'>;
    this.chart.draw(options, data, 'rewards');
  }
}
