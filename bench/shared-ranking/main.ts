/**
 * Shared weights: how well they rank (issue 21, acceptance point "Ranking").
 *
 * Trains the fashion-oneshot supernet (RSPS: each step along a uniformly drawn path), draws `--archs` distinct
 * architectures of the space uniformly, scores each on the shared weights (its batch norm calibrated on 512 training
 * images first, as SharedSession.score does) on all the validation images, trains each stand-alone as a standard
 * search's proxy does (runTrainJob in this process: 2 epochs on 8,000 training images, Adam 0.001, batch 64, the
 * trial's own seed, the reward being the best validation accuracy of the last epochs), and reports Kendall's tau-b
 * between the two accuracy lists with a 95 % percentile-bootstrap interval over architectures, and Spearman's rho.
 *
 *   npm run bench:shared-ranking -- [options]          (or: node dist/bench/shared-ranking/main.js [options])
 *     --seed 1            split, supernet, path and architecture draws, trial seeds, bootstrap
 *     --steps 3000        supernet training steps (batch --batch, one uniformly drawn path per --steps-per-path steps)
 *     --sharing plain     the supernet's sharing rule: plain, or scaled / bn / stride joined by + (supernet.ts SharingRule)
 *     --score-tune 0      steps along a path alone before it is scored (from the supernet's weights, put back after)
 *     --proxy-seeds 1     stand-alone trainings per architecture, each with other trial seeds (the first: a search's)
 *     --archs 40          architectures drawn (distinct by the space's canonical hash)
 *     --train-limit 8000  stand-alone proxy's training images     --val-limit 6000  validation images (both sides)
 *     --epochs 2  --batch 64  --lr 0.001  --calibration 512  --threads 2 (wasm)  --resamples 2000
 *     --schedule constant the stand-alone proxy's learning rate: constant, or cosine (to 0 over its epochs)
 *     --tune-schedule constant  the rate of the --score-tune steps: constant, or cosine (to 0 over those steps)
 *     --out PREFIX        files' prefix (default runs/shared-ranking-s<seed>-steps<steps>-archs<n>-t<train>-v<val>)
 *     --report-only       train nothing stand-alone: report what PREFIX.standalone.jsonl holds so far (a partial table)
 *   Smoke (a minute or two): --steps 20 --archs 4 --train-limit 500 --val-limit 500 --epochs 1
 *
 * Data: Fashion-MNIST's training set, split with valFraction 0.1 and valLimit 6,000 (seed --seed). The supernet
 * trains on every training image outside the held-out 6,000 (54,000); the stand-alone proxy uses the same split with
 * trainLimit 8,000, and the script checks that both splits validate on the same images and that the proxy's training
 * images are among the supernet's.
 *
 * Resuming: rerun the same command. The supernet is saved (SharedSession.save) every --checkpoint-every steps and
 * after its training, and restored on a rerun (training goes on from the saved step: the data order and the paths
 * depend on the step count only); the shared-weight scores are saved once all are made; each stand-alone result is
 * appended to a .standalone.jsonl file as it finishes, and a rerun skips those. Files: see files.ts. The report is
 * PREFIX.json (every row and the statistics) and PREFIX.md (the table and the summary).
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/controller/rng.js';
import { randomSequence } from '../../src/controller/sampling.js';
import { computeNormalisation, loadDataset, makeSplit } from '../../src/data/index.js';
import { SharedSession } from '../../src/evaluation/shared/session.js';
import { trialSeed } from '../../src/evaluation/training.js';
import { bindSpace, candidateCost, defaultMaxMacs, describeCandidate, loadSpace } from '../../src/space/index.js';
import type { Arch, DecisionProcess, LayerSpaceDefinition, ProblemSpec } from '../../src/space/index.js';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { BenchFiles, type SharedScoreRow, type StandaloneRow } from './files.js';
import { markdownTable, summarise, summaryText, type RankingRow } from './report.js';
import { parseSharing } from './sharing.js';
import { trainStandalone, type ProxySettings } from './standalone.js';

const SPACE = 'fashion-oneshot';
const VAL_FRACTION = 0.1;
const GOAL_TAU = 0.5;

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '3000' },
    'steps-per-path': { type: 'string', default: '1' },
    sharing: { type: 'string', default: 'plain' },
    'proxy-seeds': { type: 'string', default: '1' },
    'score-tune': { type: 'string', default: '0' },
    archs: { type: 'string', default: '40' },
    'train-limit': { type: 'string', default: '8000' },
    'val-limit': { type: 'string', default: '6000' },
    epochs: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.001' },
    schedule: { type: 'string', default: 'constant' },
    'tune-schedule': { type: 'string', default: 'constant' },
    calibration: { type: 'string', default: '512' },
    threads: { type: 'string', default: '2' },
    resamples: { type: 'string', default: '2000' },
    'progress-every': { type: 'string', default: '100' },
    'checkpoint-every': { type: 'string', default: '500' },
    out: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
  },
});

function integer(name: Exclude<keyof typeof args, 'report-only'>, min = 1): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, not ${args[name]}`);
  return value;
}

const opts = {
  seed: integer('seed', 0),
  steps: integer('steps', 0),
  stepsPerPath: integer('steps-per-path'),
  archs: integer('archs', 2),
  trainLimit: integer('train-limit'),
  valLimit: integer('val-limit'),
  epochs: integer('epochs'),
  batchSize: integer('batch'),
  learningRate: Number(args.lr),
  calibrationImages: integer('calibration'),
  threads: integer('threads'),
  resamples: integer('resamples'),
  progressEvery: integer('progress-every'),
  checkpointEvery: integer('checkpoint-every'),
  proxySeeds: integer('proxy-seeds'),
  scoreTune: integer('score-tune', 0),
  sharing: parseSharing(args.sharing!),
};
if (!(opts.learningRate > 0)) throw new Error(`--lr must be positive, not ${args.lr}`);
const scheduleOf = (flag: 'schedule' | 'tune-schedule') => {
  const value = args[flag];
  if (value !== 'constant' && value !== 'cosine') throw new Error(`--${flag} must be constant or cosine, not ${value}`);
  return value;
};
const schedule = scheduleOf('schedule');
const tuneSchedule = scheduleOf('tune-schedule');

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Drawn {
  index: number;
  hash: string;
  arch: Arch;
  text: string;
  macs: number;
  params: number | null;
}

async function main(): Promise<void> {
  const sharingName = args.sharing === 'plain' ? '' : `-${args.sharing!.replaceAll('+', '-')}`;
  const prefix = args.out ?? `runs/shared-ranking-s${opts.seed}-steps${opts.steps}-archs${opts.archs}-t${opts.trainLimit}-v${opts.valLimit}${sharingName}`;
  const scheduleName = schedule === 'constant' ? '' : `-${schedule}`;
  const files = new BenchFiles(prefix, args.out ?? `runs/shared-ranking-s${opts.seed}-archs${opts.archs}-t${opts.trainLimit}-v${opts.valLimit}${scheduleName}`);
  log(`shared-ranking: ${JSON.stringify({ ...opts, schedule, tuneSchedule })}; files ${prefix}.*`);
  const backend = await selectBackend('wasm', { threads: opts.threads });
  await backend.tf.ready();
  log(`backend ${backend.name} (${backend.notes.join('; ') || 'no notes'}), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores`);

  const dataset = await loadDataset('fashion-mnist', { download: false });
  const { train: set, info } = dataset;
  const space = loadSpace(SPACE);
  const problem: ProblemSpec = { input: [28, 28, 1], classes: 10, maxMacs: defaultMaxMacs(space) };
  if (info.numClasses !== problem.classes || info.inputShape.join('x') !== problem.input.join('x')) {
    throw new Error(`fashion-mnist is ${info.inputShape.join('x')} with ${info.numClasses} classes, not 28x28x1 with 10`);
  }
  const process_ = bindSpace(space, problem);

  // The split: the supernet's (no train limit) and the proxy's (train limit) must validate on the same images.
  const supernetSplit = makeSplit(set.labels, info.numClasses, { valFraction: VAL_FRACTION, valLimit: opts.valLimit, seed: opts.seed });
  const proxySplit = makeSplit(set.labels, info.numClasses, { valFraction: VAL_FRACTION, trainLimit: opts.trainLimit, valLimit: opts.valLimit, seed: opts.seed });
  checkSplits(supernetSplit, proxySplit);
  log(`split: ${supernetSplit.val.length} validation images (the same on both sides), supernet trains on ${supernetSplit.train.length}, proxy on ${proxySplit.train.length}`);

  const drawn = drawArchitectures(process_, problem);
  log(`drew ${drawn.length} distinct architectures of ${SPACE} (maxMacs ${problem.maxMacs})`);

  // The supernet: restore, train what is left, save.
  const session = new SharedSession(
    { input: problem.input, classes: problem.classes, maxWidth: maxWidth(space as LayerSpaceDefinition, problem) },
    { set, train: supernetSplit.train, val: supernetSplit.val, norm: computeNormalisation(set, supernetSplit.train) },
    { seed: opts.seed, batchSize: opts.batchSize, learningRate: opts.learningRate, calibrationImages: opts.calibrationImages, scoreImages: supernetSplit.val.length, sharing: opts.sharing },
  );
  let trainSeconds = 0;
  const saved = files.readSupernet();
  if (saved) {
    session.restore(saved.bytes);
    trainSeconds = saved.progress.seconds;
    log(`restored the supernet at step ${session.stepsDone} (${trainSeconds.toFixed(0)} s of training so far) from ${files.supernet}`);
  }
  trainSeconds += trainSupernet(session, process_, files, trainSeconds);

  let shared = files.readSharedScores(session.stepsDone, opts.scoreTune, tuneSchedule);
  if (shared) log(`shared-weight scores read from ${prefix}.shared.json`);
  else {
    shared = drawn.map((candidate) => {
      const t0 = performance.now();
      const score = session.scoreTuned(candidate.arch, trialSeed(opts.seed, candidate.index + 1), opts.scoreTune, tuneSchedule);
      const row: SharedScoreRow = { hash: candidate.hash, valAcc: score.valAcc, valLoss: score.valLoss, seconds: (performance.now() - t0) / 1000 };
      log(`shared ${candidate.index + 1}/${drawn.length} ${candidate.hash.slice(0, 10)}: ${(100 * row.valAcc).toFixed(2)} % (${row.seconds.toFixed(1)} s)  ${candidate.text}`);
      return row;
    });
    files.writeSharedScores(session.stepsDone, opts.scoreTune, tuneSchedule, shared);
  }
  const supernetSteps = session.stepsDone;
  session.dispose();

  // Stand-alone proxies, one at a time, repeat by repeat, the finished ones skipped.
  const proxy: ProxySettings = { ...opts, schedule, valFraction: VAL_FRACTION };
  const standalone: Map<string, StandaloneRow>[] = [];
  for (let repeat = 0; repeat < opts.proxySeeds; repeat++) {
    const done = files.readStandalone(repeat);
    standalone.push(done);
    if (done.size > 0) log(`${done.size} stand-alone results read from ${files.standalone(repeat)}`);
    for (const candidate of args['report-only'] ? [] : drawn) {
      if (done.has(candidate.hash)) continue;
      const row = await trainStandalone(candidate, dataset, proxy, repeat).catch((error: Error) => {
        log(`stand-alone training of ${candidate.hash.slice(0, 10)} failed: ${error.message} (a rerun tries it again)`);
      });
      if (!row) continue;
      files.appendStandalone(row, repeat);
      done.set(candidate.hash, row);
      const sharedAcc = shared.find((s) => s.hash === candidate.hash)!.valAcc;
      log(`stand-alone ${done.size}/${drawn.length} (trial seeds ${repeat}) ${candidate.hash.slice(0, 10)}: ${(100 * row.valAcc).toFixed(2)} % ` +
        `(shared ${(100 * sharedAcc).toFixed(2)} %), ${row.seconds.toFixed(1)} s, tensors ${tf.memory().numTensors}, elapsed ${elapsed()}`);
    }
  }

  const rows: RankingRow[] = drawn.map((candidate) => {
    const s = shared.find((r) => r.hash === candidate.hash)!;
    const a = standalone[0]!.get(candidate.hash);
    const repeats = standalone.slice(1).map((rows) => rows.get(candidate.hash)?.valAcc ?? NaN);
    return {
      index: candidate.index, hash: candidate.hash, arch: candidate.text, macs: candidate.macs, params: a?.params ?? candidate.params,
      sharedAcc: s.valAcc, sharedSeconds: s.seconds,
      ...(a ? { standaloneAcc: a.valAcc ?? undefined, standaloneLastAcc: a.lastValAcc, standaloneSeconds: a.seconds, standaloneStatus: a.status } : {}),
      ...(repeats.length > 0 ? { standaloneRepeats: repeats } : {}),
    };
  });
  const summary = summarise(rows, { resamples: opts.resamples, seed: opts.seed });
  const wall = {
    supernetTrainSeconds: trainSeconds,
    sharedScoreSeconds: shared.reduce((sum, r) => sum + r.seconds, 0),
    standaloneSeconds: standalone.flatMap((rows) => [...rows.values()]).reduce((sum, r) => sum + r.seconds, 0),
    thisInvocationSeconds: (performance.now() - started) / 1000,
  };
  const table = markdownTable(rows);
  const text = summaryText(summary, GOAL_TAU);
  files.writeReport({
    bench: 'shared-ranking', issue: 21, space: SPACE, date: new Date().toISOString(), command: process.argv.slice(1).join(' '),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), backend: backend.name, threads: opts.threads },
    options: opts, supernetSteps, split: { val: supernetSplit.val.length, supernetTrain: supernetSplit.train.length, proxyTrain: proxySplit.train.length },
    wall, summary, rows,
  });
  const wallText = `wall: supernet training ${wall.supernetTrainSeconds.toFixed(0)} s (${supernetSteps} steps), shared scoring ` +
    `${wall.sharedScoreSeconds.toFixed(0)} s, stand-alone training ${wall.standaloneSeconds.toFixed(0)} s, this invocation ${wall.thisInvocationSeconds.toFixed(0)} s`;
  fs.writeFileSync(`${prefix}.md`, `${table}\n\n${text}\n${wallText}\n`);
  console.log(`\n${table}\n\n${text}\n${wallText}\nreport: ${files.report} and ${prefix}.md`);
}

function checkSplits(whole: { train: Int32Array; val: Int32Array }, proxy: { train: Int32Array; val: Int32Array }): void {
  const same = whole.val.length === proxy.val.length && whole.val.every((index, i) => proxy.val[i] === index);
  if (!same) throw new Error('the supernet split and the proxy split validate on different images');
  const val = new Set(whole.val);
  const supernetTrain = new Set(whole.train);
  if (whole.train.some((index) => val.has(index))) throw new Error('the supernet trains on validation images');
  if (!proxy.train.every((index) => supernetTrain.has(index))) throw new Error('the proxy trains on images the supernet does not');
}

/** `opts.archs` distinct architectures, each from a uniformly drawn decision sequence (as random search draws them). */
function drawArchitectures(process_: DecisionProcess, problem: ProblemSpec): Drawn[] {
  const seen = new Set<string>();
  const drawn: Drawn[] = [];
  for (let draw = 0; drawn.length < opts.archs; draw++) {
    if (draw > 100 * opts.archs) throw new Error(`only ${drawn.length} distinct architectures in ${draw} draws`);
    const decisions = randomSequence(process_, createRng(`${opts.seed}:ranking-arch:${draw}`));
    const hash = process_.hash(decisions);
    if (seen.has(hash)) continue;
    seen.add(hash);
    const candidate = process_.decode(decisions);
    if (candidate.kind !== 'arch') throw new Error(`${SPACE} decoded to a cell`);
    const cost = candidateCost(candidate, problem);
    drawn.push({ index: drawn.length, hash, arch: candidate.arch, text: describeCandidate(candidate), macs: cost.macs ?? NaN, params: cost.params ?? null });
  }
  return drawn;
}

/** Trains the supernet from its current step to opts.steps; returns the seconds spent here. */
function trainSupernet(session: SharedSession, process_: DecisionProcess, files: BenchFiles, before: number): number {
  if (session.stepsDone >= opts.steps) return 0;
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  let window = { loss: 0, accuracy: 0, steps: 0 };
  let windowStart = 0;
  log(`training the supernet: steps ${session.stepsDone} -> ${opts.steps}, batch ${opts.batchSize}, lr ${opts.learningRate}, a new uniform path every ${opts.stepsPerPath} step(s)`);
  while (session.stepsDone < opts.steps) {
    const step = session.stepsDone;
    const path = (process_.decode(randomSequence(process_, createRng(`${opts.seed}:ranking-train:${step}`))) as { arch: Arch }).arch;
    const count = Math.min(opts.stepsPerPath, opts.steps - step);
    const result = session.train(path, count);
    window = { loss: window.loss + result.loss * count, accuracy: window.accuracy + result.accuracy * count, steps: window.steps + count };
    const done = session.stepsDone;
    if (!Number.isFinite(result.loss)) throw new Error(`the supernet diverged at step ${done} (loss ${result.loss})`);
    if (Math.floor(done / opts.progressEvery) > Math.floor(step / opts.progressEvery) || done === opts.steps) {
      const perStep = (seconds() - windowStart) / window.steps;
      log(`step ${done}/${opts.steps}  loss ${(window.loss / window.steps).toFixed(4)}  train acc ${((100 * window.accuracy) / window.steps).toFixed(1)} %  ` +
        `${perStep.toFixed(2)} s/step, training ${(before + seconds()).toFixed(0)} s, elapsed ${elapsed()}, tensors ${tf.memory().numTensors}`);
      window = { loss: 0, accuracy: 0, steps: 0 };
      windowStart = seconds();
    }
    if (Math.floor(done / opts.checkpointEvery) > Math.floor(step / opts.checkpointEvery) || done === opts.steps) {
      files.writeSupernet(session.save(), { steps: done, seconds: before + seconds() });
    }
  }
  log(`supernet trained: ${session.stepsDone} steps, ${(before + seconds()).toFixed(0)} s in all; saved to ${files.supernet}`);
  return seconds();
}

/** The widest channel or unit count of the space (and the input's channels), as the shared evaluator computes it. */
function maxWidth(space: LayerSpaceDefinition, problem: ProblemSpec): number {
  return Math.max(...(space.layers.C?.num_output ?? []), ...(space.layers.FC?.num_output ?? []), problem.input[2]);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
