/// <reference lib="dom" />
/** A drawing of a layer ARCH: a column of boxes from the input down to the classifier, residual skips as arcs beside it. */
import type { LayerRow } from './types.js';

const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 300;
const BOX_H = 34;
const GAP = 18;
const FILL: Record<string, string> = { C: '#dbe9f6', P: '#fde8cf', FC: '#e3f1dc', T: '#eadcf1', input: '#eeeeee' };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export function drawNetwork(layers: LayerRow[], input: number[] | null): SVGSVGElement {
  const boxes = [{ kind: 'input', label: 'input', output: input ?? [] }, ...layers.map((l) => ({ kind: l.kind, label: l.layer, output: l.output }))];
  const height = boxes.length * (BOX_H + GAP);
  const width = BOX_W + 120;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'network', role: 'img', 'aria-label': 'network drawing' });
  const top = (i: number): number => i * (BOX_H + GAP) + 4;
  boxes.forEach((box, i) => {
    const y = top(i);
    const group = svg('g', { 'data-layer': i - 1 });
    group.appendChild(svg('rect', { x: 10, y, width: BOX_W, height: BOX_H, rx: 5, fill: FILL[box.kind] ?? '#fff', stroke: '#667' }));
    group.appendChild(svg('text', { x: 20, y: y + 22, 'font-size': 13, 'font-family': 'monospace' }, box.label));
    group.appendChild(svg('text', { x: BOX_W, y: y + 22, 'font-size': 12, 'text-anchor': 'end', fill: '#445' }, box.output.join('×')));
    root.appendChild(group);
    if (i > 0) root.appendChild(svg('line', { x1: 10 + BOX_W / 2, y1: y - GAP, x2: 10 + BOX_W / 2, y2: y, stroke: '#667' }));
  });
  layers.forEach((layer, i) => {
    if (layer.skipFrom === null) return;
    // Box k+1 is layer k (box 0 is the input); the skip leaves the source's box and joins this one's.
    const from = top(layer.skipFrom + 1) + BOX_H / 2;
    const to = top(i + 1) + BOX_H / 2;
    const bulge = 10 + BOX_W + 30 + Math.min(60, (to - from) / 8);
    root.appendChild(svg('path', { d: `M ${10 + BOX_W} ${from} C ${bulge} ${from}, ${bulge} ${to}, ${10 + BOX_W} ${to}`, fill: 'none', stroke: '#c0392b', 'stroke-width': 1.5 }));
  });
  return root;
}
