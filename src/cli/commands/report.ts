import type { Argv, CommandModule } from 'yargs';
import { writeReport } from '../../dashboard/index.js';
import { DEFAULT_DB_FILE } from '../../store/index.js';
import { writeOut } from './stdout.js';

interface ReportArgs {
  db: string;
  experiment?: string[];
  out: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: "Write one self-contained HTML file with the dashboard's plots and tables: it needs no network to view",
  builder: (yargs) =>
    yargs
      .option('experiment', { type: 'string', array: true, describe: 'Experiment name (repeat for several) [default: every one]' })
      .option('out', { type: 'string', default: 'report.html', describe: 'The HTML file to write' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database (opened read-only)' })
      .example('$0 report --experiment my-search --out report.html', 'share report.html, or keep it as a CI artefact') as unknown as Argv<ReportArgs>,
  handler: (args) => {
    const written = writeReport({ db: args.db, experiments: (args.experiment ?? []).map(String), out: args.out });
    const size = written.bytes >= 1e6 ? `${(written.bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(written.bytes / 1e3)} kB`;
    writeOut(`wrote ${written.file}: ${written.experiments} experiment${written.experiments === 1 ? '' : 's'}, ${size}; open it in a browser (no network needed)\n`);
  },
};
