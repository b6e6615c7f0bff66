/// <reference lib="dom" />
/** One trial: figures, error, ARCH as a layer table and a drawing, budget, per-epoch metrics, replays, the replay command. */
import type uPlot from 'uplot';
import { Chart, COLORS, lineSeries, WHOLE_TICKS } from './chart.js';
import { dataTable, facts, h, replace, section, statusBadge } from './dom.js';
import { count, duration, fixed, percent, time, whole } from './format.js';
import { drawNetwork } from './network.js';
import type { Page } from './page.js';
import { replayView } from './replay-view.js';
import type { DataSource } from './source.js';
import type { TrialDetail } from './types.js';

export class TrialPage implements Page {
  readonly element: HTMLElement;
  private readonly body = h('div');
  private readonly curve = new Chart('trial-curve', 260);
  private signature = '';

  constructor(
    private readonly source: DataSource,
    private readonly id: number,
  ) {
    this.element = h('div', { class: 'page trial-page' }, this.body);
  }

  async refresh(): Promise<void> {
    const detail = await this.source.trial(this.id);
    // Redraw the page only when something shown changed (a running trial's epochs, a new replay, its end).
    const signature = JSON.stringify([detail.trial.status, detail.epochs.length, detail.replays.length, detail.trial.finishedAt]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.render(detail);
  }

  dispose(): void {
    this.curve.dispose();
  }

  private render(d: TrialDetail): void {
    const t = d.trial;
    const duplicate = t.duplicateOf === null ? null : t.duplicateOfId === null ? `#${t.duplicateOf}` : h('a', { href: `#/trial/${t.duplicateOfId}` }, `#${t.duplicateOf}`);
    replace(
      this.body,
      h('p', { class: 'crumbs' }, h('a', { href: `#/experiment/${d.experiment.id}` }, d.experiment.name), ` › trial #${t.seq} (id ${t.id})`),
      h('h1', {}, `Trial #${t.seq} `, statusBadge(t.status), duplicate ? h('span', { class: 'dup' }, ' duplicate of ', duplicate) : null),
      t.error ? h('div', {}, h('h2', {}, 'Error'), h('pre', { class: 'error-text', 'data-field': 'error' }, t.error)) : null,
      h(
        'div',
        { class: 'header-facts' },
        facts([
          ['reward', fixed(t.reward)],
          ['validation accuracy', h('span', { 'data-field': 'val-acc' }, percent(t.valAcc, 2))],
          ['validation loss', fixed(t.valLoss)],
          ['training accuracy', percent(t.trainAcc, 2)],
        ]),
        facts([
          ['parameters', h('span', { title: whole(t.params), 'data-field': 'params' }, count(t.params))],
          ['MACs per image', h('span', { title: whole(t.macs) }, count(t.macs))],
          ['epochs', t.epochsRun === null ? '-' : String(t.epochsRun)],
          ['training time', duration(t.durationSeconds)],
        ]),
        facts([
          ['hash', h('code', {}, t.hash)],
          ['batch / attempts', `${t.batch} / ${t.attempts}`],
          ['backend / worker', `${t.backend ?? '-'} / ${t.worker ?? '-'}`],
          ['started / finished', `${time(t.startedAt)} / ${time(t.finishedAt)}`],
        ]),
      ),
      section('Train it fully', h('div', { class: 'command' }, h('code', { 'data-field': 'replay-command' }, d.replayCommand), copyButton(d.replayCommand))),
      section('ARCH', h('p', {}, h('code', { class: 'arch' }, d.arch.summary)), this.layers(d)),
      section('Hyperparameters', facts(Object.entries(t.budget).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]))),
      this.epochs(d),
      d.replays.length > 0 ? section('Replays', ...d.replays.map((replay) => replayView(replay, d.classNames))) : section('Replays', h('p', {}, 'Not replayed yet: run the command above.')),
    );
  }

  private layers(d: TrialDetail): HTMLElement {
    const json = h('details', {}, h('summary', {}, 'ARCH JSON'), h('pre', {}, d.arch.json));
    if (!d.arch.layers) return h('div', {}, d.arch.note ? h('p', { class: 'caption' }, d.arch.note) : null, json);
    const rows = d.arch.layers.map((l) => [String(l.index), l.kind, h('code', {}, l.layer), l.output.join('×'), whole(l.params), whole(l.macs)]);
    const totals = d.arch.layers.reduce((sum, l) => [sum[0]! + l.params, sum[1]! + l.macs], [0, 0]);
    rows.push(['', '', 'total', '', whole(totals[0]), whole(totals[1])]);
    const table = dataTable(['#', 'kind', 'layer', 'output', 'params', 'MACs'], rows, 'data layers');
    return h('div', { class: 'pair' }, h('div', {}, h('p', { class: 'caption' }, `input ${d.arch.input?.join('×') ?? '?'}`), table, json), h('div', {}, drawNetwork(d.arch.layers, d.arch.input)));
  }

  private epochs(d: TrialDetail): HTMLElement {
    if (d.epochs.length === 0) return section('Per-epoch metrics', h('p', {}, 'No epoch recorded.'));
    const e = d.epochs;
    const data = [e.map((x) => x.epoch), e.map((x) => x.valAcc), e.map((x) => x.trainAcc), e.map((x) => x.valLoss), e.map((x) => x.trainLoss)] as uPlot.AlignedData;
    this.curve.draw(
      {
        title: 'Learning curve',
        scales: { x: { time: false }, loss: { auto: true } },
        axes: [{ label: 'epoch', incrs: WHOLE_TICKS }, { label: 'accuracy' }, { scale: 'loss', side: 1, label: 'loss', grid: { show: false } }],
        series: [
          { label: 'epoch' },
          lineSeries('val acc', COLORS[0]!, { points: { show: true } }),
          lineSeries('train acc', COLORS[2]!, { dash: [4, 4], points: { show: true } }),
          lineSeries('val loss', COLORS[1]!, { scale: 'loss', points: { show: true } }),
          lineSeries('train loss', COLORS[4]!, { scale: 'loss', dash: [4, 4], points: { show: true } }),
        ],
      },
      data,
      'trial-curve',
    );
    const table = dataTable(
      ['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'time'],
      e.map((x) => [String(x.epoch), fixed(x.trainLoss), percent(x.trainAcc), fixed(x.valLoss), percent(x.valAcc), duration(x.seconds)]),
      'data epochs',
    );
    return section('Per-epoch metrics', this.curve.element, table);
  }
}

function copyButton(text: string): HTMLElement {
  const button = h('button', { type: 'button', 'data-control': 'copy' }, 'copy');
  button.addEventListener('click', () => {
    const done = (label: string): void => {
      button.textContent = label;
      window.setTimeout(() => (button.textContent = 'copy'), 1500);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => done('copied'), () => done('select and copy'));
    else done('select and copy');
  });
  return button;
}

