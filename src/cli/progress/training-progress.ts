/**
 * Progress of a full training (nas replay, nas train): a line per epoch; inside an epoch a cli-progress bar on
 * a terminal, or a line when nothing was written for a while; JSON lines with --json, thinned out the same
 * way. A run that will take long gets an estimate once, from the pace of its first steps.
 */
import cliProgress from 'cli-progress';
import type { FullTraining } from '../../app/full-training.js';
import { infoOf } from '../../data/index.js';
import { inferCost } from '../../space/index.js';
import type { BatchProgress, EpochMetrics } from '../../trainer/types.js';
import { duration, fixed, percent } from './format.js';
import { LONG_RUN_SECONDS, paceText, progressIntervalMs, rate, settled, trainingEstimate } from './pace.js';

export type TrainingProgressMode = 'tty' | 'plain' | 'json';

export interface TrainingProgressOptions {
  mode: TrainingProgressMode;
  /** Epochs asked for (the trainer says how many it plans after each). */
  epochs: number;
  /** Forward MACs of one image, for the estimate; null when unknown. */
  macsPerImage: number | null;
  /** --time-limit, which bounds the estimate. */
  timeLimitSeconds?: number;
  out?: NodeJS.WritableStream;
  /** Milliseconds (tests pass their own clock). */
  now?: () => number;
  /** Between progress lines or JSON progress events when the output is not a terminal. */
  intervalMs?: number;
}

export interface TrainingProgress {
  onEpoch: (metrics: EpochMetrics) => void;
  onProgress: (progress: BatchProgress) => void;
  /** Takes the live bar away (call it before writing anything else, and at the end). */
  stop: () => void;
}

/** The progress of `request`: the mode from --json and the terminal, the MACs from its ARCH. */
export function fullTrainingProgress(request: FullTraining, json: boolean): TrainingProgress {
  const info = infoOf(request);
  let macsPerImage: number | null = null;
  try {
    macsPerImage = inferCost(request.arch, info.inputShape, info.numClasses).macs;
  } catch {
    // An ARCH the cost model refuses fails in the trainer with its own message; the estimate only loses its MACs.
  }
  const mode = json ? 'json' : process.stdout.isTTY ? 'tty' : 'plain';
  return trainingProgress({ mode, epochs: request.hyper.epochs, macsPerImage, timeLimitSeconds: request.hyper.timeLimitSeconds });
}

export function trainingProgress(options: TrainingProgressOptions): TrainingProgress {
  const out = options.out ?? process.stdout;
  const now = options.now ?? Date.now;
  const every = options.intervalMs ?? progressIntervalMs();
  const json = options.mode === 'json';
  const bar = options.mode === 'tty' ? liveBar(out) : undefined;
  let lastWrite = now();
  let measured = false;
  const write = (text: string): void => {
    bar?.hide();
    out.write(`${text}\n`);
    lastWrite = now();
  };
  const estimate = (progress: BatchProgress): void => {
    if (measured || !settled(progress)) return;
    measured = true;
    const found = trainingEstimate(progress, options.macsPerImage, options.timeLimitSeconds);
    if (found && found.seconds > LONG_RUN_SECONDS) write(json ? JSON.stringify({ type: 'estimate', ...found }) : found.message);
  };
  return {
    onEpoch: (m) => {
      if (!json) write(`epoch ${m.epoch}/${m.plannedEpochs ?? options.epochs}: train loss ${fixed(m.trainLoss, 3)}, train acc ${percent(m.trainAcc)}, ${duration(m.seconds)}`);
    },
    onProgress: (progress) => {
      estimate(progress);
      if (bar) return bar.show(progress);
      if (now() - lastWrite < every) return;
      write(json ? JSON.stringify({ type: 'progress', ...progress }) : `epoch ${progress.epoch}/${progress.epochs}: ${paceText(progress)}`);
    },
    stop: () => bar?.hide(),
  };
}

/** A cli-progress bar of the current epoch's batches, started on demand and cleared before other output. */
function liveBar(out: NodeJS.WritableStream): { show: (progress: BatchProgress) => void; hide: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | {speed} img/s | ETA {epochEta} (run {runEta})',
      stream: out,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let shown = false;
  return {
    show: (progress) => {
      const payload = {
        epoch: progress.epoch,
        epochs: progress.epochs,
        speed: rate(progress.imagesPerSecond),
        epochEta: duration(progress.epochEtaSeconds),
        runEta: duration(progress.runEtaSeconds),
      };
      if (!shown) bar.start(progress.batches, progress.batch, payload);
      else bar.update(progress.batch, payload);
      shown = true;
    },
    hide: () => {
      if (shown) bar.stop();
      shown = false;
    },
  };
}
