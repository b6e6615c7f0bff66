import { resumeCommand, shellQuote } from '../../util/shell.js';
import type { Argv, CommandModule } from 'yargs';
import { checkHealth, type HealthReport, type RunningExperiment } from '../../store/health.js';
import { DEFAULT_DB_FILE } from '../../store/index.js';

interface CheckArgs {
  db: string;
  json?: boolean;
}

/** Exit codes of `nas db check`: 3 is also every command's code for a failing database (DatabaseError). */
const CHECK_EXIT = { healthy: 0, damaged: 3, attention: 4 } as const;

interface Problem {
  kind: 'damaged' | 'schema-newer' | 'stuck';
  message: string;
  /** What SQLite found, one finding each. */
  findings?: string[];
  todo: string;
}

const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'Check a results database: integrity, schema version, experiments left running by a process that is gone',
  builder: (yargs) =>
    yargs
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .epilogue('It opens the database read-only and writes nothing. Exit 0: healthy; 3: damaged; 4: intact, with something to do.') as unknown as Argv<CheckArgs>,
  handler: (args) => {
    const report = checkHealth(args.db);
    const problems = problemsOf(report);
    process.stdout.write(args.json ? `${JSON.stringify({ ...report, healthy: problems.length === 0, problems }, null, 2)}\n` : text(report, problems));
    process.exitCode = exitCodeOf(problems);
  },
};

export const dbCommand: CommandModule<object, object> = {
  command: 'db',
  describe: 'Look after a results database (nas db check)',
  builder: (yargs) => yargs.command(checkCommand).demandCommand(1, 'Name a db command: check') as unknown as Argv<object>,
  handler: () => {},
};

function exitCodeOf(problems: readonly Problem[]): number {
  if (problems.some((problem) => problem.kind === 'damaged')) return CHECK_EXIT.damaged;
  return problems.length > 0 ? CHECK_EXIT.attention : CHECK_EXIT.healthy;
}

function problemsOf(report: HealthReport): Problem[] {
  const problems: Problem[] = [];
  if (report.damage.length > 0) problems.push(damageProblem(report));
  if (report.schema && report.schema.version > report.schema.known) {
    problems.push({
      kind: 'schema-newer',
      message: `written by a newer nas (schema ${report.schema.version}, this one knows ${report.schema.known})`,
      todo: 'upgrade nas',
    });
  }
  for (const experiment of report.running.filter((e) => e.stuck)) problems.push(stuckProblem(report.file, experiment));
  return problems;
}

function damageProblem(report: HealthReport): Problem {
  const file = shellQuote(report.file);
  const todo = report.indexesOnly
    ? `only indexes are damaged, the tables are whole: stop any nas search on it, rebuild them with sqlite3 ${file} REINDEX, and check again`
    : `restore ${file} from a backup, or start a new database (--db another file): nas cannot repair a damaged file`;
  return { kind: 'damaged', message: 'the file is damaged', findings: report.damage, todo };
}

function stuckProblem(file: string, experiment: RunningExperiment): Problem {
  const leases = experiment.runningTrials > 0 ? `, ${experiment.runningTrials} trial(s) 'running' under lapsed leases` : '';
  return {
    kind: 'stuck',
    message:
      `experiment '${experiment.name}' is 'running', but no process runs it (${experiment.finished}/${experiment.trials} trials ` +
      `finished${leases}, last written ${experiment.lastWrite})`,
    todo: `resume it: ${resumeCommand(experiment.name, file)}`,
  };
}

function text(report: HealthReport, problems: readonly Problem[]): string {
  const lines = [`database ${report.file}`];
  lines.push(`  integrity: ${report.damage.length === 0 ? 'ok' : 'DAMAGED'} (PRAGMA integrity_check)`);
  lines.push(report.schema ? `  schema: ${schemaLine(report.schema)}` : '  schema and experiments: not checked (the damage stops SQLite from reading them)');
  for (const experiment of report.running.filter((e) => !e.stuck)) {
    lines.push(`  experiment '${experiment.name}': running, ${experiment.liveLeases} trial(s) under a live lease, last written ${experiment.lastWrite}`);
  }
  for (const problem of problems) {
    lines.push(`  problem: ${problem.message}${problem.findings ? '; SQLite found:' : ''}`, ...(problem.findings ?? []).map((finding) => `      ${finding}`), `    what to do: ${problem.todo}`);
  }
  lines.push(problems.length === 0 ? 'healthy' : `${problems.length} problem(s)`);
  return `${lines.join('\n')}\n`;
}

function schemaLine({ version, known }: { version: number; known: number }): string {
  if (version === known) return `${version}, current`;
  if (version > known) return `${version}, newer than this nas knows (${known})`;
  return `${version}, older than this nas's ${known}: the next nas search on it migrates it (readers read it as it is)`;
}
