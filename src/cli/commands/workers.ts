import type { Argv, CommandModule } from 'yargs';
import { escapeControls } from '../../checks.js';
import { listWorkers, queueUrl, type WorkerRecord } from '../../dispatch/index.js';
import { duration, table } from '../progress/format.js';
import { writeOut } from './stdout.js';

interface WorkersArgs {
  queue: string;
  json?: boolean;
}

export const workersCommand: CommandModule<object, WorkersArgs> = {
  command: 'workers',
  describe: 'The workers connected to a queue: their GPUs and backend, their current trials, their last heartbeat',
  builder: (yargs) =>
    yargs
      .option('queue', { type: 'string', demandOption: true, describe: 'The queue: redis://[user:password@]host:port[/db], or rediss://...' })
      .option('json', { type: 'boolean', describe: 'Print a JSON array' }) as unknown as Argv<WorkersArgs>,
  handler: async (args) => {
    const workers = await listWorkers(queueUrl('--queue', args.queue));
    if (args.json) {
      writeOut(`${JSON.stringify(workers, null, 2)}\n`);
      return;
    }
    if (workers.length === 0) {
      writeOut('no worker is connected (start one with nas worker --queue URL)\n');
      return;
    }
    const now = Date.now();
    const rows = workers.map((w) => [
      escapeControls(w.name),
      escapeControls(`${w.host}:${w.pid}`),
      escapeControls(w.backend),
      w.gpus.length > 0 ? w.gpus.join(',') : '-',
      w.state,
      trialsOf(w, now),
      `${Math.max(0, Math.round((now - w.heartbeatAt) / 1000))}s ago`,
      duration((now - w.startedAt) / 1000),
    ]);
    writeOut(table(['worker', 'process', 'backend', 'gpus', 'state', `trials`, 'heartbeat', 'up'], rows));
  },
};

function trialsOf(worker: WorkerRecord, now: number): string {
  if (worker.trials.length === 0) return `idle (0/${worker.concurrency})`;
  return worker.trials
    .map((t) => `${escapeControls(t.experiment)} #${t.seq} ep ${t.epoch}/${t.epochs}${t.attempt > 1 ? ` attempt ${t.attempt}` : ''} ${duration((now - t.since) / 1000)}`)
    .join('; ');
}
