/// <reference lib="dom" />
/**
 * The pages' entry point: a header, the page the URL's hash names (#/, #/experiment/ID, #/trial/ID,
 * #/compare/ID,ID), and live updates: on each change of the database the page fetches what is new and redraws
 * in place. Navigation changes the hash only: the document is never reloaded.
 */
import { errorBox, h, replace } from './dom.js';
import type { Page } from './page.js';
import { ComparePage } from './page-compare.js';
import { ExperimentPage } from './page-experiment.js';
import { ExperimentsPage } from './page-experiments.js';
import { TrialPage } from './page-trial.js';
import { EmbeddedSource, type ReportData } from './source-embedded.js';
import { HttpSource, type DataSource, type LiveState } from './source.js';

const source = pickSource();
const liveBadge = h('span', { class: 'live', 'data-field': 'live' }, '…');
const problem = h('div', { class: 'problem' });
const outlet = h('main', { id: 'page' });
let page: Page | null = null;
/** A refresh runs at a time; a change meanwhile runs one more after it, never a pile of them. */
let refreshing = false;
let again = false;
let refreshes = 0;
/**
 * Changes come every few hundred ms from a busy search: the page redraws for them at most every 2 s, and waits
 * ten times as long as its last redraw took, so that watching a search takes little from it (BENCHMARKS.md).
 */
const LIVE_INTERVAL_MS = 2000;
let lastStart = -Infinity;
let lastDuration = 0;
let scheduled: number | undefined;

function pickSource(): DataSource {
  const embedded = document.getElementById('nas-report-data');
  return embedded ? new EmbeddedSource(JSON.parse(embedded.textContent ?? '{}') as ReportData) : new HttpSource();
}

function pageFor(hash: string): Page {
  const [, kind, arg] = /^#\/([a-z]+)\/([\d,]+)$/.exec(hash) ?? [];
  if (kind === 'experiment') return new ExperimentPage(source, Number(arg));
  if (kind === 'trial') return new TrialPage(source, Number(arg));
  if (kind === 'compare') return new ComparePage(source, arg!.split(',').filter(Boolean).map(Number));
  return new ExperimentsPage(source);
}

function navigate(): void {
  page?.dispose();
  page = pageFor(location.hash);
  replace(outlet, page.element);
  document.body.dataset['page'] = page.constructor.name;
  window.scrollTo(0, 0);
  void refresh();
}

function onChange(): void {
  if (scheduled !== undefined) return;
  const wait = Math.max(0, lastStart + Math.max(LIVE_INTERVAL_MS, 10 * lastDuration) - performance.now());
  scheduled = window.setTimeout(() => {
    scheduled = undefined;
    void refresh();
  }, wait);
}

async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  lastStart = performance.now();
  const current = page;
  try {
    await current?.refresh();
    if (current === page) replace(problem);
  } catch (error) {
    // The page keeps what it showed; the error says why it is not up to date (or why it is empty).
    if (current === page) replace(problem, errorBox((error as Error).message));
  } finally {
    refreshing = false;
    lastDuration = performance.now() - lastStart;
    document.body.dataset['refreshes'] = String(++refreshes);
  }
  if (again) {
    again = false;
    void refresh();
  }
}

function showState(state: LiveState): void {
  liveBadge.textContent = state === 'live' ? '● live' : state === 'static' ? 'report' : '○ reconnecting';
  liveBadge.className = `live ${state}`;
}

document.body.replaceChildren(
  h('header', { class: 'top' }, h('a', { href: '#/', class: 'brand' }, 'nas'), h('a', { href: '#/' }, 'Experiments'), liveBadge),
  problem,
  outlet,
);
window.addEventListener('hashchange', navigate);
source.subscribe(onChange, showState);
navigate();
