/// <reference lib="dom" />
/** A replay's test results: accuracy, the confusion matrix as a heat map, per-class precision, recall and F1. */
import { dataTable, facts, h } from './dom.js';
import { duration, fixed, percent, time, whole } from './format.js';
import type { ReplayView } from './types.js';

export function replayView(replay: ReplayView, classNames: string[] | null): HTMLElement {
  const name = (i: number): string => classNames?.[i] ?? String(i);
  return h(
    'div',
    { class: 'replay', 'data-replay': replay.id },
    h('h3', {}, `Replay ${replay.id}: test accuracy ${percent(replay.testAcc, 2)}`),
    facts([
      ['test accuracy', h('span', { 'data-field': 'test-acc' }, percent(replay.testAcc, 2))],
      ['test loss', fixed(replay.testLoss)],
      ['epochs', String(replay.epochs)],
      ['backend', replay.backend ?? '-'],
      ['training time', duration(replay.seconds)],
      ['when', time(replay.createdAt)],
      ['settings', h('code', {}, JSON.stringify(replay.settings))],
    ]),
    h('div', { class: 'pair' }, h('div', {}, h('h4', {}, 'Confusion matrix (rows: true class, columns: predicted)'), confusionMatrix(replay.confusion, name)), perClassTable(replay, name)),
  );
}

/** An HTML table, each cell shaded by its share of the true class's examples: readable, copyable, and text. */
export function confusionMatrix(matrix: number[][], name: (i: number) => string): HTMLTableElement {
  const table = h('table', { class: 'confusion', 'data-chart': 'confusion' });
  const head = h('tr', {}, h('th', {}, ''));
  matrix.forEach((_, j) => head.appendChild(h('th', { title: name(j) }, name(j))));
  table.appendChild(h('thead', {}, head));
  const body = h('tbody');
  matrix.forEach((row, i) => {
    const total = row.reduce((sum, v) => sum + v, 0) || 1;
    const tr = h('tr', {}, h('th', {}, name(i)));
    row.forEach((value, j) => {
      const share = value / total;
      const cell = h('td', { title: `true ${name(i)}, predicted ${name(j)}: ${value} (${(share * 100).toFixed(1)}%)` }, whole(value));
      cell.style.backgroundColor = `rgba(${i === j ? '33, 113, 181' : '203, 24, 29'}, ${share.toFixed(3)})`;
      if (share > 0.5) cell.style.color = '#fff';
      tr.appendChild(cell);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  return table;
}

function perClassTable(replay: ReplayView, name: (i: number) => string): HTMLElement {
  return h(
    'div',
    {},
    h('h4', {}, 'Per class'),
    dataTable(
      ['class', 'precision', 'recall', 'F1', 'support'],
      replay.perClass.map((c, i) => [name(i), percent(c.precision), percent(c.recall), percent(c.f1), whole(c.support)]),
      'data per-class',
    ),
  );
}
