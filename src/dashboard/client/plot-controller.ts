/// <reference lib="dom" />
/** The strategy's updates: mean reward and baseline, entropy (its own axis), collapse warnings, per-decision entropy as a heat strip. */
import type uPlot from 'uplot';
import { Chart, COLORS, lineSeries, pointSeries, WHOLE_TICKS } from './chart.js';
import { h, replace } from './dom.js';
import type { ControllerPoint } from './types.js';

export class ControllerPlot {
  readonly element: HTMLElement;
  private readonly chart = new Chart('controller', 260);
  private readonly strip = h('canvas', { class: 'heat-strip', 'data-chart': 'entropy-strip', height: 120 });
  private readonly warnings = h('p', { class: 'warnings' });
  private readonly points: ControllerPoint[] = [];

  constructor() {
    this.element = h(
      'div',
      {},
      this.chart.element,
      h('p', { class: 'caption' }, 'Entropy of each decision (rows: decision 1 at the top; columns: updates; dark = low entropy, the controller is sure)'),
      this.strip,
      this.warnings,
    );
  }

  /** The batch to ask from next. */
  nextFromBatch(): number {
    const last = this.points[this.points.length - 1];
    return last ? last.batch + 1 : 0;
  }

  get count(): number {
    return this.points.length;
  }

  append(fresh: ControllerPoint[]): void {
    for (const point of fresh) if (point.batch >= this.nextFromBatch()) this.points.push(point);
    const x = this.points.map((p) => p.trialsConsumed);
    const data = [
      x,
      this.points.map((p) => p.meanReward),
      this.points.map((p) => p.baseline),
      this.points.map((p) => p.entropy),
      this.points.map((p) => (p.collapseWarning ? p.entropy : null)),
    ] as uPlot.AlignedData;
    const options = {
      title: 'Controller updates',
      scales: { x: { time: false }, entropy: { auto: true } },
      axes: [{ label: 'trials consumed', incrs: WHOLE_TICKS }, { label: 'reward' }, { scale: 'entropy', side: 1, label: 'entropy', grid: { show: false } }],
      series: [
        { label: 'trials' },
        lineSeries('mean reward', COLORS[0]!),
        lineSeries('baseline', COLORS[4]!, { dash: [5, 4] }),
        lineSeries('entropy', COLORS[3]!, { scale: 'entropy' }),
        { ...pointSeries('collapse warning', '#d62728', 8), scale: 'entropy' },
      ],
    } satisfies Omit<uPlot.Options, 'width' | 'height'>;
    this.chart.draw(options, data, 'controller');
    this.drawStrip();
    const warned = this.points.filter((p) => p.collapseWarning);
    replace(
      this.warnings,
      warned.length === 0
        ? 'No collapse warning.'
        : `Collapse warning at ${warned.length} update${warned.length === 1 ? '' : 's'} (first after ${warned[0]!.trialsConsumed} trials): the controller proposes nearly the same ARCH again and again.`,
    );
    this.warnings.classList.toggle('warn', warned.length > 0);
  }

  dispose(): void {
    this.chart.dispose();
  }

  /** One pixel per (update, decision), drawn at 1:1 in an off-screen canvas, then scaled: fast for any count. */
  private drawStrip(): void {
    const columns = this.points.length;
    const rows = this.points.reduce((most, p) => Math.max(most, p.entropyPerDecision.length), 0);
    const canvas = this.strip;
    canvas.width = Math.max(240, this.chart.element.clientWidth || 640);
    canvas.dataset['columns'] = String(columns);
    canvas.dataset['rows'] = String(rows);
    const context = canvas.getContext('2d');
    if (!context || columns === 0 || rows === 0) return;
    let max = 1e-9;
    for (const point of this.points) for (const value of point.entropyPerDecision) if (value > max) max = value;
    const image = new ImageData(columns, rows);
    this.points.forEach((point, x) => {
      for (let y = 0; y < rows; y++) {
        const value = point.entropyPerDecision[y];
        const [r, g, b] = value === undefined ? [255, 255, 255] : viridis(value / max);
        const at = (y * columns + x) * 4;
        image.data[at] = r;
        image.data[at + 1] = g;
        image.data[at + 2] = b;
        image.data[at + 3] = 255;
      }
    });
    const offscreen = document.createElement('canvas');
    offscreen.width = columns;
    offscreen.height = rows;
    offscreen.getContext('2d')!.putImageData(image, 0, 0);
    context.imageSmoothingEnabled = false;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(offscreen, 0, 0, canvas.width, canvas.height);
  }
}

/** A few stops of the viridis colour map, interpolated: dark purple (0) to yellow (1). */
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [Math.round(a[0]! + (b[0]! - a[0]!) * f), Math.round(a[1]! + (b[1]! - a[1]!) * f), Math.round(a[2]! + (b[2]! - a[2]!) * f)];
}
