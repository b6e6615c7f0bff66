import type { Argv, CommandModule } from 'yargs';
import { archJson, describeArch } from '../../space/index.js';
import { DEFAULT_DB_FILE, Store } from '../../store/index.js';
import { count, duration, fixed, percent, table } from '../progress/format.js';
import { trialJson } from './best.js';
import { writeOut } from './stdout.js';

interface ShowArgs {
  trial: string;
  json?: boolean;
  db: string;
}

export const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <trial>',
  describe: 'Show one trial: ARCH, training budget, metrics per epoch, replays',
  builder: (yargs) =>
    yargs
      .positional('trial', { type: 'string', demandOption: true, describe: 'Trial id or EXPERIMENT:SEQ' })
      .option('json', { type: 'boolean', describe: 'Print JSON' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' }) as unknown as Argv<ShowArgs>,
  handler: (args) => {
    const store = Store.openReadOnly(args.db);
    try {
      const trial = store.findTrial(args.trial);
      const experiment = store.experiments.byId(trial.experimentId)!;
      const epochs = store.trials.epochs(trial.id);
      const replays = store.replays.forTrial(trial.id);
      if (args.json) {
        const replaySummaries = replays.map((r) => ({ id: r.id, epochs: r.epochs, testAcc: r.evaluation.accuracy, modelPath: r.modelPath, createdAt: r.createdAt }));
        const json = { ...trialJson(trial, experiment.name), budget: trial.budget, decisions: trial.decisions, epochHistory: epochs, replays: replaySummaries };
        writeOut(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const lines = [
        `trial ${trial.id}: experiment ${experiment.name}, #${trial.seq} (batch ${trial.batch}), ${trial.status}` +
          (trial.duplicateOf !== null ? ` of #${trial.duplicateOf}` : ''),
        `ARCH: ${typeof trial.arch === 'string' ? trial.arch : describeArch(trial.arch)}  (hash ${trial.hash})`,
        `reward ${fixed(trial.reward)}, val acc ${percent(trial.valAcc)}, val loss ${fixed(trial.valLoss)}, train acc ${percent(trial.trainAcc)}`,
        `params ${count(trial.params)}, MACs ${count(trial.macs)}, ${trial.epochsRun ?? 0} epochs in ${duration(trial.durationSeconds)}` +
          `${trial.backend ? `, backend ${trial.backend}` : ''}${trial.worker ? `, worker ${trial.worker}` : ''}, attempts ${trial.attempts}`,
        `budget: ${JSON.stringify(trial.budget)}`,
      ];
      if (trial.error) lines.push(`error: ${trial.error}`);
      const text = [lines.join('\n'), ''];
      if (epochs.length > 0) {
        text.push(
          table(
            ['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'time'],
            epochs.map((e) => [String(e.epoch), fixed(e.trainLoss), percent(e.trainAcc), fixed(e.valLoss), percent(e.valAcc), duration(e.seconds)]),
          ),
        );
      }
      for (const r of replays) text.push(`replay ${r.id}: ${r.epochs} epochs, test accuracy ${percent(r.evaluation.accuracy, 2)}, model ${r.modelPath ?? '-'}\n`);
      text.push(`ARCH JSON:\n${archJson(trial.arch)}\n`);
      writeOut(text.join('\n'));
    } finally {
      store.close();
    }
  },
};
