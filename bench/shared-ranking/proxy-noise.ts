/**
 * How noisy a stand-alone proxy is: for each ranking run given (a PREFIX of bench/shared-ranking/main.ts run with
 * --proxy-seeds 2 or more), over the architectures trained under both of its first two trial-seed repeats:
 *
 * - Kendall tau-b between the two repeats, with its 95 % bootstrap interval over architectures;
 * - the noise: the standard deviation of one run's accuracy about the architecture's own, from the differences
 *   between repeats (sd of the differences / sqrt 2), against the spread between architectures (sd of the means);
 * - the reliability of one run, spread² / (spread² + noise²): the share of one run's variance that is the
 *   architecture's own;
 *
 * and, between every two runs given, tau-b between their means over the architectures both trained.
 *
 *   node dist/bench/shared-ranking/proxy-noise.js PREFIX [PREFIX ...] [--resamples 2000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { BenchFiles, type StandaloneRow } from './files.js';
import { bootstrapInterval, kendallTauB, mean, standardDeviation as sd } from './stats.js';

const { values: args, positionals: prefixes } = parseArgs({
  allowPositionals: true,
  options: { resamples: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } },
});

interface Repeats {
  prefix: string;
  /** Each architecture's accuracy under repeats 0 and 1, where it has both. */
  pairs: Map<string, [number, number]>;
}

function readRepeats(prefix: string): Repeats {
  const files = new BenchFiles(prefix);
  const [first, second] = [files.readStandalone(0), files.readStandalone(1)];
  const pairs = new Map<string, [number, number]>();
  const accuracy = (row: StandaloneRow | undefined) => (row && Number.isFinite(row.valAcc) ? row.valAcc : undefined);
  for (const [hash, row] of first) {
    const [a, b] = [accuracy(row), accuracy(second.get(hash))];
    if (a !== undefined && b !== undefined) pairs.set(hash, [a, b]);
  }
  return { prefix, pairs };
}

const points = (value: number) => (100 * value).toFixed(2);

function noiseLine({ prefix, pairs }: Repeats): string {
  const rows = [...pairs.values()];
  if (rows.length < 3) return `${prefix}: ${rows.length} architectures with two repeats, too few`;
  const [first, second] = [rows.map((r) => r[0]), rows.map((r) => r[1])];
  const interval = bootstrapInterval(first, second, kendallTauB, { resamples: Number(args.resamples), seed: `${args.seed}:proxy-noise:${prefix}` });
  const noise = sd(rows.map(([a, b]) => a - b)) / Math.SQRT2;
  const spread = sd(rows.map(([a, b]) => (a + b) / 2));
  // The spread of the means still holds half the noise variance; take it out for the architectures' own spread.
  const own = Math.sqrt(Math.max(0, spread ** 2 - noise ** 2 / 2));
  const reliability = own ** 2 / (own ** 2 + noise ** 2);
  return `${prefix}: ${rows.length} architectures; tau-b between repeats ${kendallTauB(first, second).toFixed(3)} ` +
    `[${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}]; noise of one run ${points(noise)} points, ` +
    `spread between architectures ${points(own)} points, reliability of one run ${reliability.toFixed(2)}; mean accuracy ${points(mean([...first, ...second]))} %`;
}

function crossLine(a: Repeats, b: Repeats): string {
  const common = [...a.pairs.keys()].filter((hash) => b.pairs.has(hash));
  const meanOf = (r: Repeats) => common.map((hash) => mean(r.pairs.get(hash)!));
  return `${a.prefix} vs ${b.prefix}: tau-b between their means ${kendallTauB(meanOf(a), meanOf(b)).toFixed(3)} over ${common.length} architectures`;
}

if (prefixes.length === 0) {
  console.error('usage: node dist/bench/shared-ranking/proxy-noise.js PREFIX [PREFIX ...]');
  process.exit(2);
}
const runs = prefixes.map(readRepeats);
for (const run of runs) console.log(noiseLine(run));
for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) console.log(crossLine(runs[i]!, runs[j]!));
