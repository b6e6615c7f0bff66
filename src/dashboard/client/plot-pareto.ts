/// <reference lib="dom" />
/** Validation accuracy against a cost (parameters or MACs), log scale, with the Pareto front of the completed trials. */
import type uPlot from 'uplot';
import { Chart, lineSeries, logX, pointSeries, STATUS_COLORS } from './chart.js';
import type { ColumnStore } from './columns.js';
import { paretoFront } from './series.js';

export class ParetoPlot {
  readonly chart: Chart;
  private ids: number[] = [];
  /** The front's trial ids, best accuracy last (for tests and the legend). */
  front: number[] = [];

  constructor(
    private readonly cost: 'params' | 'macs',
    onPick: (trialId: number) => void,
  ) {
    this.chart = new Chart(`pareto-${cost}`, 280, (index) => {
      const id = this.ids[index];
      if (id !== undefined) onPick(id);
    });
  }

  update(store: ColumnStore): void {
    const costs = store.data[this.cost];
    const { valAcc, id } = store.data;
    const shown: number[] = [];
    for (let i = 0; i < costs.length; i++) {
      if (store.trained(i) && (costs[i] ?? 0) > 0 && valAcc[i] !== null) shown.push(i);
    }
    shown.sort((a, b) => costs[a]! - costs[b]!);
    const completedAcc = costs.map((_, i) => (store.status(i) === 'completed' ? valAcc[i]! : null));
    const onFront = new Set(paretoFront(costs, completedAcc));
    this.front = shown.filter((i) => onFront.has(i)).map((i) => id[i]!);
    this.ids = shown.map((i) => id[i]!);
    const data = [
      shown.map((i) => costs[i]!),
      shown.map((i) => (store.status(i) === 'completed' ? valAcc[i]! : null)),
      shown.map((i) => (store.status(i) === 'pruned' ? valAcc[i]! : null)),
      shown.map((i) => (onFront.has(i) ? valAcc[i]! : null)),
    ] as uPlot.AlignedData;
    const label = this.cost === 'params' ? 'parameters' : 'MACs per image';
    const options = {
      title: `Validation accuracy vs ${label}`,
      ...logX(`${label} (log scale)`),
      series: [
        { label },
        pointSeries('completed', STATUS_COLORS['completed']!, 4),
        pointSeries('pruned (at its last epoch)', STATUS_COLORS['pruned']!, 3),
        lineSeries('Pareto front', STATUS_COLORS['best']!, { width: 2, points: { show: true, size: 6, space: 0 } }),
      ],
    } satisfies Omit<uPlot.Options, 'width' | 'height'>;
    this.chart.draw(options, data, `pareto-${this.cost}`);
  }
}
