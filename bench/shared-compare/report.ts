/**
 * The table of bench/shared-compare.sh: per run, the stand-alone trainings it paid for, the shared-weight scores it
 * made, and the best stand-alone proxy accuracy it found (for a shared-weight search, that of its retrained top K).
 *
 *   node dist/bench/shared-compare/report.js [runs/compare21-*.db ...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../src/store/index.js';

interface Row {
  run: string;
  trainings: number;
  sharedScores: number;
  bestProxy: number | null;
  bestArch: string;
  wallSeconds: number;
}

function rowOf(file: string): Row {
  const store = Store.openReadOnly(file);
  try {
    const row: Row = { run: path.basename(file, '.db').replace(/^compare21-/, ''), trainings: 0, sharedScores: 0, bestProxy: null, bestArch: '', wallSeconds: 0 };
    for (const experiment of store.experiments.list()) {
      const record = store.experiments.byId(experiment.id)!;
      row.wallSeconds += record.wallSeconds;
      const shared = (record.config as { evaluator?: string }).evaluator === 'shared';
      for (const trial of store.trials.list(record.id)) {
        if (shared) {
          if (trial.status === 'completed') row.sharedScores += 1;
          continue;
        }
        if ((trial.epochsRun ?? 0) > 0) row.trainings += 1;
        if (['completed', 'pruned'].includes(trial.status) && trial.valAcc !== null && (row.bestProxy === null || trial.valAcc > row.bestProxy)) {
          row.bestProxy = trial.valAcc;
          row.bestArch = trial.hash;
        }
      }
    }
    return row;
  } finally {
    store.close();
  }
}

const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : fs.readdirSync('runs').filter((f) => /^compare21-.*\.db$/.test(f)).map((f) => path.join('runs', f));
console.log('| run | stand-alone trainings | shared-weight scores | best proxy val acc | its hash | wall time |');
console.log('| --- | ---: | ---: | ---: | --- | ---: |');
for (const file of files.sort()) {
  const r = rowOf(file);
  const best = r.bestProxy === null ? '-' : `${(100 * r.bestProxy).toFixed(2)} %`;
  console.log(`| ${r.run} | ${r.trainings} | ${r.sharedScores} | ${best} | ${r.bestArch} | ${(r.wallSeconds / 60).toFixed(1)} min |`);
}
