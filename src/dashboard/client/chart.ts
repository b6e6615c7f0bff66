/// <reference lib="dom" />
/** A uPlot chart that follows its container's width and takes new data without being rebuilt. */
import uPlot from 'uplot';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
export const STATUS_COLORS: Record<string, string> = {
  completed: '#1f77b4',
  pruned: '#ff7f0e',
  failed: '#d62728',
  duplicate: '#9a9a9a',
  best: '#2ca02c',
};

/** A series drawn as points only (uPlot's line paths off), every point shown however dense. */
export function pointSeries(label: string, color: string, size = 4): uPlot.Series {
  return { label, stroke: color, fill: color, paths: () => null, points: { show: true, size, space: 0, fill: color, stroke: color } };
}

export function lineSeries(label: string, color: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return { label, stroke: color, width: 1.5, points: { show: false }, spanGaps: true, ...extra };
}

export class Chart {
  readonly element: HTMLDivElement;
  private plot: uPlot | null = null;
  private signature = '';
  private readonly resize: ResizeObserver;

  /** `name` marks the chart for tests and styles (data-chart); `onPick` gets the data index a click lands on. */
  constructor(
    name: string,
    private readonly height = 260,
    private readonly onPick?: (index: number) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.dataset['chart'] = name;
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.element);
  }

  /** Draws `data`; the chart is rebuilt only when `signature` (its series and scales) changed, else it just takes the data. */
  draw(options: ChartOptions, data: uPlot.AlignedData, signature: string): void {
    const points = data[0]?.length ?? 0;
    this.element.dataset['points'] = String(points);
    this.element.dataset['series'] = String(data.length - 1);
    if (this.plot && signature === this.signature) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.signature = signature;
    const width = this.width();
    this.plot = new uPlot({ ...options, width, height: this.height }, data, this.element);
    if (this.onPick) {
      const plot = this.plot;
      plot.over.addEventListener('click', () => {
        const index = plot.cursor.idx;
        if (index !== null && index !== undefined) this.onPick!(index);
      });
    }
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private width(): number {
    return Math.max(240, Math.floor(this.element.clientWidth || 640));
  }

  private fit(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 2) this.plot.setSize({ width: this.width(), height: this.height });
  }
}

/** Tick steps for an axis of whole numbers (trials, epochs): never 1.5. */
export const WHOLE_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** Axis and scale options for a log-scaled x (parameters, MACs). */
export function logX(label: string): Pick<uPlot.Options, 'scales' | 'axes'> {
  return {
    scales: { x: { time: false, distr: 3 } },
    axes: [{ label, values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : shortNumber(v))) }, { label: 'validation accuracy' }],
  };
}

export function shortNumber(value: number): string {
  if (value >= 1e9) return `${+(value / 1e9).toFixed(1)}G`;
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(value);
}
