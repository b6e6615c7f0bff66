/** The ranking bench's rows, statistics and markdown. */
import { bootstrapInterval, kendallTauB, mean, spearmanRho, type BootstrapInterval } from './stats.js';

export interface RankingRow {
  /** Order of the draw (0 is the first architecture drawn). */
  index: number;
  hash: string;
  arch: string;
  macs: number;
  params: number | null;
  sharedAcc: number;
  sharedSeconds: number;
  /** Absent until the architecture has trained stand-alone. */
  standaloneAcc?: number;
  standaloneLastAcc?: number;
  standaloneSeconds?: number;
  standaloneStatus?: string;
  /** The stand-alone accuracies of the other trial-seed repeats (NaN where not trained yet). */
  standaloneRepeats?: number[];
}

/** How well the stand-alone proxy agrees with itself under other trial seeds, and shared scores against its mean. */
export interface ProxyAgreement {
  count: number;
  /** Kendall tau-b between the first and the second repeat. */
  tau: number;
  tauInterval: BootstrapInterval;
  /** Kendall tau-b between the shared-weight score and the mean over all repeats. */
  tauSharedVsMean: number;
  tauSharedVsMeanInterval: BootstrapInterval;
}

export interface RankingSummary {
  /** Architectures with both accuracies (finite), of those drawn. */
  count: number;
  drawn: number;
  tau: number;
  tauInterval: BootstrapInterval;
  rho: number;
  rhoInterval: BootstrapInterval;
  /** Side checks: how far MACs alone rank the two lists. */
  tauMacsStandalone: number;
  tauMacsShared: number;
  /** Of the stand-alone top 5, how many are in the shared-weight top 5 (and the same for 10). */
  top5Overlap: number;
  top10Overlap: number;
  sharedMean: number;
  standaloneMean: number;
  agreement?: ProxyAgreement;
}

export function summarise(rows: readonly RankingRow[], options: { resamples: number; seed: number }): RankingSummary {
  const done = rows.filter((row) => Number.isFinite(row.standaloneAcc) && Number.isFinite(row.sharedAcc));
  const shared = done.map((row) => row.sharedAcc);
  const standalone = done.map((row) => row.standaloneAcc!);
  const macs = done.map((row) => row.macs);
  const interval = (statistic: (x: number[], y: number[]) => number, name: string) =>
    bootstrapInterval(shared, standalone, statistic, { resamples: options.resamples, seed: `${options.seed}:bootstrap:${name}` });
  return {
    count: done.length,
    drawn: rows.length,
    tau: kendallTauB(shared, standalone),
    tauInterval: interval(kendallTauB, 'tau'),
    rho: spearmanRho(shared, standalone),
    rhoInterval: interval(spearmanRho, 'rho'),
    tauMacsStandalone: kendallTauB(macs, standalone),
    tauMacsShared: kendallTauB(macs, shared),
    top5Overlap: topOverlap(done, 5),
    top10Overlap: topOverlap(done, 10),
    sharedMean: mean(shared),
    standaloneMean: mean(standalone),
    ...withAgreement(agreement(done, options)),
  };
}

function withAgreement(value: ProxyAgreement | undefined): { agreement?: ProxyAgreement } {
  return value ? { agreement: value } : {};
}

function agreement(done: readonly RankingRow[], options: { resamples: number; seed: string | number }): ProxyAgreement | undefined {
  const complete = done.filter((row) => (row.standaloneRepeats?.length ?? 0) > 0 && row.standaloneRepeats!.every(Number.isFinite));
  if (complete.length < 3) return undefined;
  const first = complete.map((row) => row.standaloneAcc!);
  const second = complete.map((row) => row.standaloneRepeats![0]!);
  const means = complete.map((row) => mean([row.standaloneAcc!, ...row.standaloneRepeats!]));
  const shared = complete.map((row) => row.sharedAcc);
  const interval = (x: number[], y: number[], name: string) => bootstrapInterval(x, y, kendallTauB, { resamples: options.resamples, seed: `${options.seed}:bootstrap:${name}` });
  return {
    count: complete.length,
    tau: kendallTauB(first, second),
    tauInterval: interval(first, second, 'proxy-agreement'),
    tauSharedVsMean: kendallTauB(shared, means),
    tauSharedVsMeanInterval: interval(shared, means, 'shared-vs-mean'),
  };
}

function topOverlap(rows: readonly RankingRow[], k: number): number {
  const top = (key: (row: RankingRow) => number) => new Set([...rows].sort((a, b) => key(b) - key(a)).slice(0, k).map((row) => row.hash));
  const byShared = top((row) => row.sharedAcc);
  return [...top((row) => row.standaloneAcc!)].filter((hash) => byShared.has(hash)).length;
}

const pct = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '-' : (100 * value).toFixed(2));
const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The rows as a markdown table, best stand-alone accuracy first, with both ranks. */
export function markdownTable(rows: readonly RankingRow[]): string {
  const rankOf = (key: (row: RankingRow) => number | undefined) => {
    const ordered = rows.filter((row) => Number.isFinite(key(row))).sort((a, b) => key(b)! - key(a)!);
    return new Map(ordered.map((row, i) => [row.hash, i + 1]));
  };
  const sharedRank = rankOf((row) => row.sharedAcc);
  const standaloneRank = rankOf((row) => row.standaloneAcc);
  const ordered = [...rows].sort((a, b) => (b.standaloneAcc ?? -1) - (a.standaloneAcc ?? -1) || b.sharedAcc - a.sharedAcc);
  const lines = [
    '| # | hash | ARCH | MACs | stand-alone acc % (rank) | shared acc % (rank) | stand-alone s | shared s |',
    '|---:|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of ordered) {
    const standalone = row.standaloneAcc === undefined ? '-' : `${pct(row.standaloneAcc)} (${standaloneRank.get(row.hash) ?? '-'})`;
    const status = row.standaloneStatus && row.standaloneStatus !== 'completed' ? ` ${row.standaloneStatus}` : '';
    lines.push(
      `| ${row.index} | ${row.hash.slice(0, 10)} | \`${row.arch}\` | ${(row.macs / 1e6).toFixed(2)}M | ${standalone}${status} | ` +
        `${pct(row.sharedAcc)} (${sharedRank.get(row.hash)}) | ${row.standaloneSeconds?.toFixed(1) ?? '-'} | ${row.sharedSeconds.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

export function summaryText(summary: RankingSummary, goal: number): string {
  const { tauInterval: ti, rhoInterval: ri } = summary;
  const partial = summary.count < summary.drawn ? ` (PARTIAL: ${summary.count} of ${summary.drawn} architectures trained stand-alone)` : '';
  return [
    `architectures: ${summary.count} with both accuracies, of ${summary.drawn} drawn${partial}`,
    `Kendall tau-b (shared vs stand-alone): ${fixed(summary.tau)}, 95 % bootstrap interval [${fixed(ti.low)}, ${fixed(ti.high)}] ` +
      `(${ti.resamples} resamples over architectures, ${ti.used} defined)`,
    `Spearman rho: ${fixed(summary.rho)}, 95 % interval [${fixed(ri.low)}, ${fixed(ri.high)}]`,
    `goal tau >= ${goal}: ${summary.tau >= goal ? 'met' : 'NOT met'}${ti.low >= goal ? ' (the whole interval is above it)' : ti.high < goal ? ' (the whole interval is below it)' : ' (the interval straddles it)'}`,
    `side checks: tau(MACs, stand-alone) ${fixed(summary.tauMacsStandalone)}, tau(MACs, shared) ${fixed(summary.tauMacsShared)}; ` +
      `top-5 overlap ${summary.top5Overlap}/${Math.min(5, summary.count)}, top-10 overlap ${summary.top10Overlap}/${Math.min(10, summary.count)}`,
    `mean accuracy: shared ${pct(summary.sharedMean)} %, stand-alone ${pct(summary.standaloneMean)} %`,
    ...agreementText(summary.agreement),
  ].join('\n');
}

function agreementText(agreement: ProxyAgreement | undefined): string[] {
  if (!agreement) return [];
  const { tauInterval: ti, tauSharedVsMeanInterval: mi } = agreement;
  return [
    `the proxy against itself (first vs second trial seeds, ${agreement.count} architectures): tau-b ${fixed(agreement.tau)}, interval [${fixed(ti.low)}, ${fixed(ti.high)}]`,
    `shared vs the mean of the proxy's repeats: tau-b ${fixed(agreement.tauSharedVsMean)}, interval [${fixed(mi.low)}, ${fixed(mi.high)}]`,
  ];
}
