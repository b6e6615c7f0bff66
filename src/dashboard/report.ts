import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, StoreError } from '../errors.js';
import { clientModules, uplotFiles } from './assets.js';
import type { ReportData, ReportExperiment } from './client/source-embedded.js';
import { DashboardData } from './data.js';
import { STYLE } from './style.js';

export interface ReportOptions {
  db: string;
  /** Experiment names; all of them when empty. */
  experiments: string[];
  out: string;
}

/** Learning curves and trial pages a report holds per experiment: its best trials (and every replayed trial's page). */
const REPORT_TOP = 10;

/**
 * Writes one self-contained HTML file with the dashboard's pages over the chosen experiments: the pages' modules,
 * uPlot and the data inlined, no request to anywhere when it is opened (its Content-Security-Policy forbids them).
 */
export function writeReport(options: ReportOptions): { file: string; bytes: number; experiments: number } {
  const data = DashboardData.open(options.db);
  let html: string;
  let count: number;
  try {
    const report = collect(data, options);
    count = report.experiments.length;
    html = reportHtml(report, `nas report: ${report.experiments.map((e) => e.name).join(', ')}`);
  } finally {
    data.close();
  }
  const temporary = `${options.out}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, html);
    fs.renameSync(temporary, options.out);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new ConfigError(`cannot write ${options.out}: ${(error as Error).message}`);
  }
  return { file: path.resolve(options.out), bytes: Buffer.byteLength(html), experiments: count };
}

function collect(data: DashboardData, options: ReportOptions): ReportData {
  const all = data.experiments();
  if (all.length === 0) throw new StoreError(`no experiments in ${options.db} yet (run nas search first)`);
  const chosen = options.experiments.length === 0 ? all : options.experiments.map((name) => {
    const found = all.find((e) => e.name === name);
    if (!found) throw new StoreError(`no experiment named '${name}' in ${options.db} (see nas experiments)`);
    return found;
  });
  const unique = [...new Map(chosen.map((e) => [e.id, e])).values()];
  const ids = unique.map((e) => e.id);
  const views: Record<string, ReportExperiment> = {};
  const trialIds = new Set<number>(data.replayedTrialIds(ids));
  for (const id of ids) {
    views[String(id)] = {
      view: data.experiment(id),
      columns: data.columns(id, 0),
      controller: data.controller(id, 0),
      rows: [...data.tableRows(id)],
      curves: data.curves(id, REPORT_TOP, [], REPORT_TOP).curves,
    };
    for (const trialId of data.topTrialIds(id, REPORT_TOP)) trialIds.add(trialId);
  }
  const trials: ReportData['trials'] = {};
  for (const trialId of [...trialIds].sort((a, b) => a - b)) trials[String(trialId)] = data.trial(trialId);
  return { file: path.basename(options.db), generatedAt: new Date().toISOString(), experiments: unique, views, trials, compare: data.compare(ids) };
}

/** The page: style sheets inline, each module a data: URL named in the import map, the data as JSON that never runs. */
export function reportHtml(report: ReportData, title: string): string {
  const uplot = uplotFiles();
  const imports: Record<string, string> = { uplot: dataUrl(uplot.js) };
  for (const [name, source] of clientModules()) imports[`nas/${name}`] = dataUrl(bareImports(source));
  const csp = "default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'";
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${uplot.css}\n${STYLE}</style>`,
    `<script type="application/json" id="nas-report-data">${scriptSafeJson(report)}</script>`,
    `<script type="importmap">${scriptSafeJson({ imports })}</script>`,
    `<script type="module">import 'nas/main.js';</script>`,
    '</head><body><noscript>This nas report needs JavaScript.</noscript></body></html>',
    '',
  ].join('\n');
}

/** The modules import each other as './x.js'; inside a data: URL that cannot resolve, so they name 'nas/x.js' instead. */
function bareImports(source: string): string {
  return source.replace(/(\bfrom\s*|\bimport\s*)(['"])\.\/([a-z0-9-]+\.js)\2/g, '$1$2nas/$3$2');
}

function dataUrl(source: string): string {
  return `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
}

/** JSON that cannot end its script element: every '<' escaped (and the two line separators JavaScript once disliked). */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
