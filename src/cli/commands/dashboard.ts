import { spawn } from 'node:child_process';
import type { Argv, CommandModule } from 'yargs';
import { nonNegativeIntegerUpTo, text } from '../../checks.js';
import { startDashboard } from '../../dashboard/index.js';
import { ConfigError } from '../../errors.js';
import { DEFAULT_DB_FILE } from '../../store/index.js';
import { writeOut } from './stdout.js';

interface DashboardArgs {
  db: string;
  port: number;
  host: string;
  open?: boolean;
}

export const dashboardCommand: CommandModule<object, DashboardArgs> = {
  command: 'dashboard',
  describe: 'Serve a local web page of the results database: experiments, plots and trials, updated live while searches run',
  builder: (yargs) =>
    yargs
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database (opened read-only)' })
      .option('port', { type: 'number', default: 8080, describe: 'Port to listen on (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (another than a loopback one exposes the results to the network)' })
      .option('open', { type: 'boolean', describe: 'Open the page in the default browser' })
      .example('$0 dashboard --db results.db', 'then open http://127.0.0.1:8080/') as unknown as Argv<DashboardArgs>,
  handler: async (args) => {
    const port = nonNegativeIntegerUpTo(65_535)('--port', args.port);
    const host = text('--host', args.host);
    if (host.trim() === '') throw new ConfigError('--host must name an address, e.g. 127.0.0.1');
    const server = await startDashboard({ db: args.db, port, host });
    writeOut(`nas dashboard: ${server.url} serving ${args.db} read-only (Ctrl-C to stop)\n`);
    if (args.open) openBrowser(server.url);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};

/** The desktop's browser, detached; where there is none, the printed address is enough. */
function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  try {
    const child = spawn(command!, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write(`nas dashboard: could not start a browser (${command}); open ${url} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`nas dashboard: could not start a browser; open ${url} yourself\n`);
  }
}
