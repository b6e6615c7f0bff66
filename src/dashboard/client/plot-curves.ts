/// <reference lib="dom" />
/** Learning curves: per-epoch validation accuracy and loss of the best trials and of the picked ones; pruned ones dashed, ending where they stopped. */
import type uPlot from 'uplot';
import { Chart, COLORS, lineSeries, WHOLE_TICKS } from './chart.js';
import { h } from './dom.js';
import type { Curve } from './types.js';

export class CurvesPlot {
  readonly element: HTMLElement;
  private readonly accuracy: Chart;
  private readonly loss: Chart;
  private curves: Curve[] = [];

  constructor(name: string) {
    this.accuracy = new Chart(`${name}-accuracy`, 240);
    this.loss = new Chart(`${name}-loss`, 240);
    this.element = h('div', { class: 'pair' }, this.accuracy.element, this.loss.element);
  }

  get shown(): Curve[] {
    return this.curves;
  }

  update(curves: Curve[]): void {
    this.curves = curves;
    const last = curves.reduce((most, curve) => Math.max(most, curve.epoch[curve.epoch.length - 1] ?? 0), 0);
    const epochs = Array.from({ length: last }, (_, i) => i + 1);
    const aligned = (curve: Curve, values: (number | null)[]): (number | null)[] => {
      const out = new Array<number | null>(last).fill(null);
      curve.epoch.forEach((epoch, i) => {
        if (epoch >= 1 && epoch <= last) out[epoch - 1] = values[i] ?? null;
      });
      return out;
    };
    const series = curves.map((curve, i) => this.series(curve, i));
    const signature = curves.map((curve) => `${curve.trialId}:${curve.status}`).join(',');
    for (const [chart, metric, label] of [
      [this.accuracy, 'valAcc', 'validation accuracy'],
      [this.loss, 'valLoss', 'validation loss'],
    ] as const) {
      const data = [epochs, ...curves.map((curve) => aligned(curve, curve[metric]))] as uPlot.AlignedData;
      const options = {
        title: `Learning curves: ${label}`,
        scales: { x: { time: false } },
        axes: [{ label: 'epoch', incrs: WHOLE_TICKS }, { label }],
        series: [{ label: 'epoch' }, ...series],
        legend: { live: true },
      } satisfies Omit<uPlot.Options, 'width' | 'height'>;
      chart.draw(options, data, signature);
    }
  }

  dispose(): void {
    this.accuracy.dispose();
    this.loss.dispose();
  }

  private series(curve: Curve, index: number): uPlot.Series {
    const pruned = curve.status === 'pruned';
    const stoppedAt = curve.epoch[curve.epoch.length - 1];
    const label = `#${curve.seq}${pruned ? ` pruned at epoch ${stoppedAt ?? '?'}` : ''}${curve.role === 'picked' ? ' (picked)' : ''}`;
    const color = COLORS[index % COLORS.length]!;
    return lineSeries(label, color, {
      dash: pruned ? [4, 4] : undefined,
      width: curve.role === 'picked' ? 2.5 : 1.5,
      // A pruned curve ends in a marked point: where the pruner stopped it.
      points: { show: (_u, _s, i0, i1) => i1 - i0 < 60, size: pruned ? 7 : 4, fill: pruned ? '#fff' : color },
    });
  }
}
