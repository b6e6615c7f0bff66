/** Shared fixtures of the CLI progress tests: an output stream that keeps what is written, and a hand-moved clock. */
import { Writable } from 'node:stream';
import type { BatchReport } from '../../src/evaluation/types.js';

export interface Captured extends Writable {
  text(): string;
  isTTY?: boolean;
  columns?: number;
}

export function captured(options: { tty?: boolean } = {}): Captured {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Captured;
  stream.text = () => chunks.join('');
  if (options.tty) Object.assign(stream, { isTTY: true, columns: 160 });
  return stream;
}

export function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A progress report: batch 30 of 100 in epoch 1 of 2, at 400 images/s. */
export function pace(overrides: Partial<BatchReport> = {}): BatchReport {
  return {
    epoch: 1,
    epochs: 2,
    batch: 30,
    batches: 100,
    images: 30 * 32,
    epochImages: 3200,
    imagesPerSecond: 400,
    elapsedSeconds: 12,
    epochEtaSeconds: 5.6,
    runEtaSeconds: 13.6,
    backend: 'wasm with 2 threads',
    ...overrides,
  };
}
